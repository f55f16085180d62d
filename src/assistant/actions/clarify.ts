import type { Command } from '../command.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { matching } from './list.js';

/** Runs a command as the assistant would have had the customer written it out. */
export type Run = (command: Command) => Promise<Reply>;

/**
 * A sentence that could mean two things ("la facture 2019": n° 2019, or the one of 2019).
 * The customer's own invoices decide when they can: only one reading finds anything, and it
 * is answered. Otherwise the readings are offered, numbered, and "1" or "2" picks one.
 */
export async function clarify(ctx: Context, options: Command[], run: Run): Promise<Reply> {
  const found = await Promise.all(options.map((option) => finds(ctx, option)));
  const plausible = options.filter((_, i) => found[i]);
  if (plausible.length <= 1) return run(plausible[0] ?? options[0]!);
  ctx.memory.update(ctx.conversation, { choices: plausible });
  const choices = plausible.map((option) => describe(ctx, option));
  const lines = choices.map((what, i) => ctx.t('clarify.option', { n: i + 1, what }));
  return ctx.reply([ctx.t('clarify.intro'), lines.join('\n'), ctx.t('clarify.howTo', { last: plausible.length })], { choices });
}

/** "1", "2": the reading chosen among those offered in this conversation. */
export async function choose(ctx: Context, index: number, run: Run): Promise<Reply> {
  const choices = ctx.memory.get(ctx.conversation).choices;
  if (!choices) return ctx.reply([ctx.t('clarify.none')], { outcome: 'not-understood' });
  const chosen = choices[index - 1];
  if (!chosen) return ctx.refuse('clarify.howTo', { last: choices.length });
  ctx.memory.update(ctx.conversation, { choices: undefined });
  return run(chosen);
}

/**
 * While readings are on offer in this conversation, a reply that can only mean one of them is
 * that choice: `n° 2` or `#1` when the customer has no invoice with that number, `le premier`.
 */
export async function asChoice(ctx: Context, command: Command): Promise<Command> {
  const choices = ctx.memory.get(ctx.conversation).choices;
  if (!choices) return command;
  const index = await choiceNamed(ctx, command);
  return index !== undefined && Number.isInteger(index) && index >= 1 && index <= choices.length ? { intent: 'choose', index } : command;
}

/** The number a command could be naming a choice by: `n° 2` that is no invoice of the customer's, or the rank of `le premier`. */
async function choiceNamed(ctx: Context, command: Command): Promise<number | undefined> {
  if (command.intent === 'pdf') return command.numbers.length === 1 && !(await ctx.ownInvoice(command.numbers[0]!)) ? Number(command.numbers[0]) : undefined;
  if (command.intent !== 'singleInvoice') return undefined;
  const { pick, ...rest } = command.filter;
  return pick?.from === 'oldest' && pick.take === 1 && Object.keys(rest).length === 0 ? pick.skip + 1 : undefined;
}

async function finds(ctx: Context, option: Command): Promise<boolean> {
  if (option.intent === 'pdf') return (await ctx.ownInvoices(option.numbers)).length === option.numbers.length;
  if (option.intent === 'singleInvoice' || option.intent === 'list') return (await matching(ctx, option.filter)).length > 0;
  return true;
}

function describe(ctx: Context, option: Command): string {
  if (option.intent === 'pdf' || option.intent === 'paidClaim') return ctx.t('clarify.number', { number: option.numbers.join(', ') });
  if (option.intent === 'details' && option.number) return ctx.t('clarify.number', { number: option.number });
  if ((option.intent === 'singleInvoice' || option.intent === 'list') && option.filter.from && option.filter.to) {
    return ctx.t('clarify.period', { from: option.filter.from, to: option.filter.to });
  }
  return option.intent;
}
