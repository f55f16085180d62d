import type { Context } from '../context.js';
import type { Reply } from '../reply.js';

const TOPICS = ['help.list', 'help.pdf', 'help.balance', 'help.details', 'help.zip', 'help.notifications'];

export function help(ctx: Context): Reply {
  return ctx.reply([ctx.t('help.intro'), ...TOPICS.map((key) => ctx.t(key))]);
}

/** A short way back on track, in the customer's language, for a sentence the grammar did not place. */
export function notUnderstood(ctx: Context): Reply {
  return ctx.reply([ctx.t('notUnderstood')], { outcome: 'not-understood' });
}
