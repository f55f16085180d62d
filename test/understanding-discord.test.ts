import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../src/assistant/reply.js';
import type { DiscordChannel } from '../src/channels/discord/channel.js';
import { subscribe } from '../src/observe.js';
import { startDiscordPeer, type DiscordPeer, type DiscordUser, type RecordedRequest } from './peers/discord.js';
import { outbox } from './support/app.js';
import { eventually } from './support/mail.js';
import {
  corpusApp,
  fixToday,
  judge,
  loadEntries,
  loadMisses,
  observe,
  OWNER,
  reasonOf,
  refusedOf,
  reportScores,
  type CorpusApp,
  type Entry,
  type Refused,
  type Verdict,
} from './support/understanding.js';

/**
 * The Discord corpus of issue 23 (test/fixtures/understanding/discord.json): 72 direct
 * messages written blind, many with pasted text (a signature, a payment's SMS, a bank's
 * receipt, a forwarded request, lines of a ledger), each sent by Awa's linked Discord account
 * to the bot on a local Discord (test/peers/discord.ts) that drives the real discord.js client,
 * on a store holding the two customers of customers.json, today fixed at 2026-12-06 in
 * Africa/Douala. A message that is a reply (`replyTo`) answers a real bot message that carried
 * those invoices (the bot's answer to her request, or an announcement or a reminder sent to
 * her DMs). What she gets is judged as the chat corpus judges it: nothing may be answered as
 * its opposite; an entry may miss only when misses/discord.json lists it with its reason, and
 * a listed entry that passes fails. The score by kind and language is printed at the end
 * (UNDERSTANDING_MISSES=FILE also writes the misses found, to review by hand).
 */

interface DiscordEntry extends Entry {
  replyTo?: { carried: string[]; kind: 'announcement' | 'answer' | 'reminder' };
}

const awaUser: DiscordUser = { id: '1500000000000000002', username: 'awa.nkolo' };

const entries = (await loadEntries('discord.json')) as DiscordEntry[];
const misses = await loadMisses('discord.json');

/** What each message refused, read by hand from its words: the answers it declined and the invoices it excluded. */
const REFUSED: Record<string, Omit<Refused, 'excluded'> & { excluded?: string[] | 'others' }> = {
  'dm-fr-negation-49': { declined: ['list'] },
  'dm-en-negation-50': { declined: ['files'] },
  'dm-en-thread-40': { excluded: ['1246'] },
  'dm-fr-thread-39': { excluded: ['1288'] },
  'dm-en-files-69': { excluded: ['1235'] },
  'dm-fr-filters-56': { excluded: ['1268'] },
};

let discord: DiscordPeer;
let corpus: CorpusApp;
let channel: DiscordChannel;
const verdicts = new Map<string, Verdict>();

beforeAll(async () => {
  fixToday({ running: true });
  discord = await startDiscordPeer();
  corpus = await corpusApp({ DISCORD_TOKEN: 'test.bot.token', DISCORD_APP_ID: discord.appId, DISCORD_API_URL: discord.apiUrl, REMINDERS_ENABLED: 'false' });
  channel = (await corpus.app.discordChannel())!;
  await channel.start();
  await link();
  // Each entry meets her account as it is now, linked.
  corpus.awa = (await corpus.app.store.customerById(corpus.awa.id))!;
});

afterAll(async () => {
  reportScores('discord corpus', entries, verdicts);
  if (process.env.UNDERSTANDING_MISSES) {
    const found = Object.fromEntries(
      entries.flatMap((entry) => (verdicts.get(entry.id)?.pass === false ? [[entry.id, reasonOf(verdicts.get(entry.id)!)]] : [])),
    );
    await writeFile(process.env.UNDERSTANDING_MISSES, `${JSON.stringify(found, null, 2)}\n`);
  }
  await channel?.stop();
  await corpus?.dispose();
  await discord?.close();
  vi.useRealTimers();
});

/** Awa writes a DM (a reply to `replyTo` when given) and waits for the bot's first message back. */
async function write(text: string, replyTo?: string): Promise<RecordedRequest> {
  const seen = discord.requests.length;
  const { channelId } = discord.dm(awaUser, text, [], replyTo === undefined ? {} : { replyTo });
  return discord.waitFor(
    (r) => discord.requests.indexOf(r) >= seen && r.method === 'POST' && r.path === `/channels/${channelId}/messages` && r.status === 200,
    20_000,
    `the bot's answer to « ${text} »`,
  );
}

/** Links Awa's Discord account as she would: `lier` her address in a DM, then the code the mail brought her. */
async function link(): Promise<void> {
  await write(`lier ${OWNER}`);
  // The code mail leaves apart from the answer, which must not tell by its timing whether the address is known.
  const code = await eventually('the link code mailed to Awa', async () =>
    (await outbox(corpus.app.dataDir)).map((m) => /(\d{8})/.exec(m.text ?? '')?.[1]).find(Boolean),
  );
  const answer = await write(`lier ${code}`);
  expect(String(answer.body.content)).toContain('relié');
}

/** The bot message the entry replies to, carrying its invoices: the bot's answer to her request, or an announcement or a reminder in her DMs. */
async function firstSent(replyTo: NonNullable<DiscordEntry['replyTo']>): Promise<string> {
  const { carried, kind } = replyTo;
  if (kind === 'answer') {
    // The answer is recorded once Discord has it: she replies to it after that, as a person would.
    const recorded = new Promise<void>((resolve) => {
      const stop = subscribe('delivery', (fact) => fact.channel === 'discord' && fact.status === 'sent' && (stop(), resolve()));
    });
    const answered = await write(`les factures ${carried.join(', ')} svp`);
    await recorded;
    return answered.response.id as string;
  }
  const [recorded] = await corpus.app.deliveries.record([
    {
      customerId: corpus.awa.id,
      invoices: carried,
      channel: 'discord',
      recipient: awaUser.id,
      reason: kind === 'reminder' ? 'reminder' : 'push',
      attachPdf: true,
    },
  ]);
  const delivery = await corpus.app.deliveries.attempt(recorded!);
  expect(delivery.status).toBe('sent');
  return delivery.messageId!;
}

/** Sends the entry as Awa's DM and reads the reply the assistant gave it; pages and choices are asked for as she would, by writing again. */
async function asAwaOnDiscord(entry: DiscordEntry): Promise<ReturnType<typeof observe>> {
  const replyTo = entry.replyTo ? await firstSent(entry.replyTo) : undefined;
  const handle = vi.spyOn(corpus.app.assistant, 'handle');
  const written = async (text: string, reference?: string): Promise<Reply> => {
    const calls = handle.mock.settledResults.length;
    await write(text, reference);
    const result = handle.mock.settledResults.slice(calls).at(-1);
    if (result?.type !== 'fulfilled') throw result?.value ?? new Error(`${entry.id}: the assistant was not asked`);
    return result.value as Reply;
  };
  try {
    return await observe(
      corpus,
      entry,
      async () => written(entry.text, replyTo),
      async (text, conversation, extra) => written(extra?.command?.intent === 'page' ? (entry.lang === 'fr' ? 'suivant' : 'next') : text),
    );
  } finally {
    handle.mockRestore();
  }
}

describe('the Discord corpus, as Awa in a DM', () => {
  it('lists as misses only entries of the corpus, each with its reason', () => {
    const ids = new Set(entries.map((entry) => entry.id));
    expect(Object.keys(misses).filter((id) => !ids.has(id))).toEqual([]);
    expect(Object.entries(misses).filter(([, reason]) => !reason.trim())).toEqual([]);
    expect(Object.keys(REFUSED).filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(entries.map((entry) => [entry.id, entry] as const))('%s', async (id, entry) => {
    const verdict = judge(corpus, entry, await asAwaOnDiscord(entry), refusedOf(corpus, entry, REFUSED));
    verdicts.set(id, verdict);
    if (!misses[id]?.startsWith('opposite:')) expect(verdict.opposite, `${entry.text} → answered as its opposite`).toBeUndefined();
    if (misses[id]) expect(verdict.pass, `${entry.text} → passes now: remove it from misses/discord.json`).toBe(false);
    else expect(verdict.miss, entry.text).toBeUndefined();
  });
});
