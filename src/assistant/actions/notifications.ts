import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { describeChange } from '../changes/describe.js';

/**
 * The client area's "Notifications" tab: where new invoices go (and whether mail there bounces),
 * whether the PDF comes along, the contacts in copy, what waits for a code.
 */
export async function showNotifications(ctx: Context): Promise<Reply> {
  const { address, attachPdf, chat } = ctx.customer.notifications;
  const { store } = ctx.services;
  const bouncing = address ? await store.suppression(address) : undefined;
  const text = [
    address ? ctx.t('notifications.address', { address }) : ctx.t('notifications.noAddress'),
    ...(bouncing
      ? [ctx.t('notifications.bounces', { address: bouncing.address, date: new Date(bouncing.since), kind: bouncing.kind, diagnostic: bouncing.diagnostic })]
      : []),
    ctx.t(attachPdf ? 'notifications.attachOn' : 'notifications.attachOff'),
  ];
  if ((ctx.customer.links.discord ?? []).length > 0) text.push(ctx.t(chat ? 'notifications.chatOn' : 'notifications.chatOff'));
  text.push(ctx.t(ctx.customer.notifications.reminders === false ? 'notifications.remindersOff' : 'notifications.remindersOn'));
  for (const contact of ctx.customer.contacts ?? []) {
    text.push(ctx.t(contact.mayAsk ? 'notifications.contactMayAsk' : 'notifications.contact', { address: contact.address }));
    const dead = await store.suppression(contact.address);
    if (dead) text.push(ctx.t('notifications.contactBounces', { address: dead.address, date: new Date(dead.since) }));
  }
  const now = ctx.services.now().toISOString();
  for (const pending of ctx.customer.pending) {
    if (pending.approval && pending.approval.expiresAt > now)
      text.push(ctx.t('notifications.pendingApproval', { change: describeChange(ctx, pending.change) }));
    else if (pending.confirmation && pending.confirmation.expiresAt > now && 'address' in pending.change) {
      text.push(ctx.t('notifications.pending', { address: pending.change.address }));
    }
  }
  text.push(ctx.t('notifications.howTo'), ctx.t('notifications.contactsHowTo'));
  return ctx.reply(text);
}
