import { z } from 'zod';
import { checkCode, CODE_MAX_ATTEMPTS, CODE_TTL_MINUTES, issueCode } from '../../billing/codes.js';
import type { Customer } from '../../billing/types.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';

/** The client area's "Notifications" tab: where new invoices go, and whether the PDF comes along. */
export function showNotifications(ctx: Context): Reply {
  const { address, attachPdf, pending } = ctx.customer.notifications;
  const text = [
    address ? ctx.t('notifications.address', { address }) : ctx.t('notifications.noAddress'),
    ctx.t(attachPdf ? 'notifications.attachOn' : 'notifications.attachOff'),
  ];
  if ((ctx.customer.links.discord ?? []).length > 0) text.push(ctx.t(ctx.customer.notifications.chat ? 'notifications.chatOn' : 'notifications.chatOff'));
  if (pending) text.push(ctx.t('notifications.pending', { address: pending.address }));
  text.push(ctx.t('notifications.howTo'));
  return ctx.reply(text);
}

export async function setAttachments(ctx: Context, on: boolean): Promise<Reply> {
  await saveNotifications(ctx, { attachPdf: on });
  return ctx.reply([ctx.t(on ? 'attachments.on' : 'attachments.off')]);
}

/** New invoices also as a direct message to the linked chat accounts: an opt-in. */
export async function setChat(ctx: Context, on: boolean): Promise<Reply> {
  if ((ctx.customer.links.discord ?? []).length === 0) return ctx.refuse('chat.notLinked');
  await saveNotifications(ctx, { chat: on });
  return ctx.reply([ctx.t(on ? 'chat.on' : 'chat.off')]);
}

/**
 * A new address is only stored as pending: a code goes to it, a notice to the old one,
 * and the change happens when the code comes back (see `confirmAddress`).
 */
export async function requestAddress(ctx: Context, requested: string): Promise<Reply> {
  const address = requested.trim().toLowerCase();
  if (!z.email().safeParse(address).success) return ctx.refuse('address.invalid', { address: requested });
  const current = ctx.customer.notifications.address;
  if (address === current) return ctx.refuse('address.same', { address });
  const { code, codeHash, expiresAt } = issueCode(codeSubject(ctx.customer, address), ctx.services.now());
  const params = { name: ctx.customer.name, code, minutes: CODE_TTL_MINUTES, address };
  if (!(await ctx.services.codeMail.send(address, ctx.locale, 'mail.code', params))) return ctx.refuse('address.tooMany', { address });
  await saveNotifications(ctx, { pending: { address, codeHash, expiresAt, attempts: 0 } });
  if (current) await ctx.services.codeMail.send(current, ctx.locale, 'mail.notice', params);
  ctx.services.log.info({ customer: ctx.customer.id, event: 'address.pending' }, 'notification address change requested');
  return ctx.reply([ctx.t('address.codeSent', params)]);
}

/** `sender` is set when the request came by mail: the code must then come back from the new address itself. */
export async function confirmAddress(ctx: Context, code: string | null, sender: string | undefined): Promise<Reply> {
  const pending = ctx.customer.notifications.pending;
  if (!pending) return ctx.refuse('confirm.nothing');
  if (code === null) return ctx.refuse('confirm.missingCode');
  if (sender !== undefined && sender.toLowerCase() !== pending.address) return ctx.refuse('confirm.wrongSender', { address: pending.address });
  const check = checkCode(pending, codeSubject(ctx.customer, pending.address), code, ctx.services.now());
  if (check === 'ok') {
    await saveNotifications(ctx, { address: pending.address, pending: null });
    ctx.services.log.info({ customer: ctx.customer.id, event: 'address.confirmed' }, 'notification address changed');
    return ctx.reply([ctx.t('confirm.done', { address: pending.address })]);
  }
  const attempts = pending.attempts + 1;
  if (check === 'expired' || attempts >= CODE_MAX_ATTEMPTS) {
    await saveNotifications(ctx, { pending: null });
    return ctx.refuse('confirm.expired');
  }
  await saveNotifications(ctx, { pending: { ...pending, attempts } });
  return ctx.refuse('confirm.wrong', { left: CODE_MAX_ATTEMPTS - attempts });
}

/** The code confirms this address for this customer, nothing else. */
function codeSubject(customer: Customer, address: string): string {
  return `notification-address:${customer.id}:${address}`;
}

async function saveNotifications(ctx: Context, change: Partial<Customer['notifications']>): Promise<void> {
  const customer = { ...ctx.customer, notifications: { ...ctx.customer.notifications, ...change } };
  await ctx.services.store.save({ customers: [customer] });
}
