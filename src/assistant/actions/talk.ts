import type { Command } from '../command.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';

/** Hello, thanks, ok, goodbye: a short answer, and the way back to invoices. */
export function smallTalk(ctx: Context, kind: Extract<Command, { intent: 'smalltalk' }>['kind']): Reply {
  return ctx.reply([ctx.t(`smalltalk.${kind}`, { name: ctx.customer.name })]);
}

/** A question about hosting, DNS, prices: not Facteur's to answer, so it says who can. */
export function offTopic(ctx: Context): Reply {
  return ctx.reply([ctx.t('offTopic')], { outcome: 'refused' });
}
