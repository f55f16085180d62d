import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import type { ParsedMail } from 'mailparser';
import { vi, type MockInstance } from 'vitest';
import type { Request } from '../../src/assistant/request.js';
import type { Reply } from '../../src/assistant/reply.js';
import type { App } from '../../src/app.js';
import type { AccountChange, Customer, Invoice } from '../../src/billing/types.js';
import { importInvoices } from '../../src/import/import.js';
import { demoApp, outbox } from './app.js';
import { readZipBytes } from './read.js';

/**
 * The understanding corpora (test/fixtures/understanding/, written blind: see FORMAT.md there)
 * run as a customer reaches Facteur, and what she gets compared with what the writer expected.
 * Shared by the chat, mail and Discord corpora: each brings its own way of sending an entry.
 */

export const CORPUS_DIR = path.resolve(import.meta.dirname, '..', 'fixtures', 'understanding');
/** "Today" for every entry (a Sunday), in the time zone below. */
export const TODAY = '2026-12-06';
export const TIMEZONE = 'Africa/Douala';
export const OWNER = 'awa@nkolo.cm';
/** Awa's invoice contact, who may ask. */
export const CONTACT = 'compta@nkolo.cm';
/** The address a `cancelChange` entry withdraws: a change of address asked before it, waiting for its code. */
export const WITHDRAWN = 'awa.nouvelle@nkolo.cm';

export type Answer =
  | 'pdf'
  | 'zip'
  | 'files'
  | 'list'
  | 'details'
  | 'balance'
  | 'settings'
  | 'change'
  | 'cancelChange'
  | 'confirm'
  | 'paidClaim'
  | 'smalltalk'
  | 'offTopic'
  | 'nothing'
  | 'notUnderstood'
  | 'clarify'
  | 'help';

/** A change as FORMAT.md names them. */
export interface Change {
  what: 'address' | 'contactAdd' | 'contactRemove' | 'contactMayAsk' | 'attachments' | 'reminders' | 'discordDm';
  value: string | boolean;
}

export interface Expect {
  answer: Answer;
  invoices?: string[];
  change?: Change;
  code?: string;
  statement?: false;
  options?: Expect[];
  neverMails?: string[];
  note?: string;
}

export interface Entry {
  id: string;
  kind: string;
  lang: 'fr' | 'en';
  text: string;
  /** A mail's sender, when not Awa: her invoice contact, who is answered as she is. */
  from?: string;
  expect: Expect;
}

/**
 * What the customer got, read from the reply as she would: the files (invoice PDFs by their
 * names, a ZIP's entries from its bytes, the statement), the list over all its pages, the
 * details card, what her account now says or waits for, the mail that left, and which
 * sentences of the catalog she read (to tell a balance from a list, the settings from a hello).
 */
export interface Got {
  answer: Answer | 'notFound' | 'other';
  /** The invoices given: the files' (PDF or ZIP), the list's, the details', or those claimed paid. */
  invoices: string[];
  /** Whether the files came as a ZIP. */
  zipped: boolean;
  /** Whether the account statement was attached. */
  statement: boolean;
  /** Changes made or asked (waiting for a code or an approval), and those said done though nothing changed. */
  changes: Change[];
  locale: string;
  /** Every address a mail went to because of the entry. */
  mailed: string[];
  /** The catalog's keys the reply was worded from. */
  keys: string[];
  /** For a clarification: what each reading offered gives when chosen. */
  options?: Got[];
}

export interface CorpusApp {
  app: App & { dataDir: string };
  awa: Customer;
  /** Every invoice of the corpus by number, whoever's. */
  invoices: Map<string, Invoice & { customer: string }>;
  /** Every mail Facteur sent so far, where it went: the local outbox unless set (the SMTP peer's, when Facteur sends over SMTP). */
  sentMail?: () => Promise<ParsedMail[]>;
  dispose(): Promise<void>;
}

export async function loadEntries(name: string): Promise<Entry[]> {
  return JSON.parse(await readFile(path.join(CORPUS_DIR, name), 'utf8')) as Entry[];
}

/** Misses allowed in CI, by entry id, each with its reason; a listed entry that passes fails the test, so that the list stays exact. */
export async function loadMisses(name: string): Promise<Record<string, string>> {
  return JSON.parse(await readFile(path.join(CORPUS_DIR, 'misses', name), 'utf8')) as Record<string, string>;
}

/**
 * A Facteur on a fresh data folder holding the corpus's two customers and their invoices,
 * imported as the billing system's export, with Awa's contact who may ask. The clock must
 * already be fixed at TODAY (see `fixToday`).
 */
export async function corpusApp(env: Record<string, string> = {}): Promise<CorpusApp> {
  const app = await demoApp({ FACTEUR_DEMO: 'false', PUSH_TIMEZONE: TIMEZONE, ...env });
  const file = path.join(CORPUS_DIR, 'customers.json');
  const report = await importInvoices(app.store, file);
  if (report.rejected.length > 0) throw new Error(`customers.json: ${JSON.stringify(report.rejected)}`);
  const found = await app.store.customerByAddress(OWNER);
  const awa = (await app.store.updateCustomer(found!.id, (customer) => ({
    ...customer,
    contacts: [{ address: CONTACT, mayAsk: true, addedAt: `${TODAY}T08:00:00.000Z` }],
  })))!;
  const rows = JSON.parse(await readFile(file, 'utf8')) as { number: string; customer: string }[];
  const invoices = new Map<string, Invoice & { customer: string }>();
  for (const row of rows) invoices.set(row.number, { ...(await app.store.invoice(row.number))!, customer: row.customer });
  return { app, awa, invoices, dispose: () => app.dispose() };
}

/**
 * The clock at TODAY, 10:00 in Douala, for Dates only: timers run as they do. `running`: the
 * clock goes on from there as real time does (a client that counts its requests a second,
 * as discord.js does against Discord's rate limit, waits forever on a clock that stands still).
 */
export function fixToday(options: { running?: boolean } = {}): void {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(`${TODAY}T09:00:00Z`), shouldAdvanceTime: options.running ?? false });
}

/**
 * Sends a message as Awa the owner, as `facteur ask` and the console do, and reads what she
 * got. Her record is put back as it was afterwards, so that each entry meets the same account.
 */
export async function askAsOwner(corpus: CorpusApp, entry: Entry): Promise<Got> {
  const ask = (text: string, conversation: string, extra: Partial<Request> = {}) =>
    corpus.app.assistant.handle({ customerId: corpus.awa.id, text, conversation, trust: 'owner', ...extra });
  return observe(corpus, entry, async (conversation) => ask(entry.text, conversation), ask);
}

type Ask = (text: string, conversation: string, extra?: Partial<Request>) => Promise<Reply>;

/**
 * Runs `send` against Awa's account as it was set up, and reads the reply: pages of a list
 * are turned to the end, and each reading of a clarification is chosen in turn (the message
 * sent again, then « 1 », « 2 »…). `send` resolves with null when the message got no answer
 * at all (an automatic mail the inbox leaves unanswered).
 */
export async function observe(corpus: CorpusApp, entry: Entry, send: (conversation: string) => Promise<Reply | null>, ask: Ask): Promise<Got> {
  const got = await once(corpus, entry, `${entry.id}`, send, ask);
  if (got.answer !== 'clarify') return got;
  const count = got.options!.length;
  const options: Got[] = [];
  for (let n = 1; n <= count; n++) {
    const conversation = `${entry.id}#${n}`;
    options.push(await once(corpus, entry, conversation, async () => (await send(conversation), ask(String(n), conversation)), ask));
  }
  return { ...got, options };
}

async function once(corpus: CorpusApp, entry: Entry, conversation: string, send: (conversation: string) => Promise<Reply | null>, ask: Ask): Promise<Got> {
  const { app, awa } = corpus;
  const sentMail = corpus.sentMail ?? (() => outbox(app.dataDir));
  const before = entry.expect.answer === 'cancelChange' ? await withPendingAddress(corpus) : awa;
  const sent = new Set((await sentMail()).map((mail) => mail.messageId));
  const spy = vi.spyOn(app.catalog, 't');
  let reply: Reply | null;
  const pages: Reply[] = [];
  let keys: { key: string; params: Record<string, unknown> }[];
  try {
    reply = await send(conversation);
    for (let page = reply; page?.page && page.page.number < page.page.count;) {
      page = await ask('', conversation, { command: { intent: 'page', step: 1, from: page.page.position } });
      pages.push(page);
    }
    keys = keysOf(spy);
  } finally {
    spy.mockRestore();
  }
  const after = (await app.store.customerById(awa.id))!;
  const mails = (await sentMail()).filter((mail) => !sent.has(mail.messageId));
  await app.store.updateCustomer(awa.id, () => awa);
  const mailed = [
    ...new Set(
      mails.flatMap((mail) =>
        [mail.to, mail.cc].flatMap((to) => (Array.isArray(to) ? to : to ? [to] : []).flatMap((a) => a.value.map((v) => v.address!.toLowerCase()))),
      ),
    ),
  ];
  return read(corpus, reply, pages, keys, before, after, mailed);
}

/** Awa's account with a change of address she asked before, waiting for its code: what `cancelChange` withdraws. */
async function withPendingAddress({ app, awa }: CorpusApp): Promise<Customer> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 15 * 60_000).toISOString();
  const pending = {
    change: { kind: 'address' as const, address: WITHDRAWN },
    approval: null,
    confirmation: { codeHash: 'asked-before', expiresAt, attempts: 0 },
    requestedAt: now.toISOString(),
  };
  return (await app.store.updateCustomer(awa.id, (customer) => ({ ...customer, pending: [pending] })))!;
}

function keysOf(spy: MockInstance<App['catalog']['t']>): { key: string; params: Record<string, unknown> }[] {
  return spy.mock.calls.map(([, key, params]) => ({ key, params: (params ?? {}) as Record<string, unknown> }));
}

const FORMAT_CHANGE: Record<AccountChange['kind'], Change['what']> = {
  address: 'address',
  contact: 'contactAdd',
  contactRemoved: 'contactRemove',
  contactMayAsk: 'contactMayAsk',
  attachments: 'attachments',
  reminders: 'reminders',
  chat: 'discordDm',
};

function asChange(change: AccountChange): Change {
  const what = FORMAT_CHANGE[change.kind];
  if ('on' in change && change.kind !== 'contactMayAsk') return { what, value: change.on };
  return { what, value: 'address' in change ? change.address : true };
}

/** What the account shows as asked or done between `before` and `after`, and what the reply said was done. */
function changesOf(before: Customer, after: Customer, keys: { key: string; params: Record<string, unknown> }[]): Change[] {
  const changes: Change[] = [];
  const b = before.notifications;
  const a = after.notifications;
  if (a.attachPdf !== b.attachPdf) changes.push({ what: 'attachments', value: a.attachPdf });
  if ((a.reminders !== false) !== (b.reminders !== false)) changes.push({ what: 'reminders', value: a.reminders !== false });
  if (a.chat !== b.chat) changes.push({ what: 'discordDm', value: a.chat });
  if (a.address !== b.address) changes.push({ what: 'address', value: a.address ?? '' });
  const contacts = (c: Customer) => new Map((c.contacts ?? []).map((contact) => [contact.address, contact.mayAsk]));
  const [was, is] = [contacts(before), contacts(after)];
  for (const [address, mayAsk] of is) {
    if (!was.has(address)) changes.push({ what: 'contactAdd', value: address });
    else if (was.get(address) !== mayAsk) changes.push({ what: 'contactMayAsk', value: address });
  }
  for (const address of was.keys()) if (!is.has(address)) changes.push({ what: 'contactRemove', value: address });
  const waiting = (c: Customer) => new Set(c.pending.map((pending) => JSON.stringify(pending.change)));
  const waited = waiting(before);
  for (const pending of after.pending) if (!waited.has(JSON.stringify(pending.change))) changes.push(asChange(pending.change));
  // Said done though nothing changed: « C'est noté : … sans PDF » when it already was.
  for (const { key } of keys) {
    const done = /^(attachments|reminders|chat)\.(on|off)$/.exec(key);
    if (done) changes.push({ what: FORMAT_CHANGE[done[1] as 'attachments' | 'reminders' | 'chat'], value: done[2] === 'on' });
  }
  return [...new Map(changes.map((change) => [JSON.stringify(change), change])).values()];
}

async function read(
  corpus: CorpusApp,
  reply: Reply | null,
  pages: Reply[],
  calls: { key: string; params: Record<string, unknown> }[],
  before: Customer,
  after: Customer,
  mailed: string[],
): Promise<Got> {
  const keys = calls.map((call) => call.key);
  const has = (...prefixes: string[]) => keys.some((key) => prefixes.some((prefix) => key === prefix || key.startsWith(`${prefix}.`)));
  const files: string[] = [];
  let zipped = false;
  let statement = false;
  for (const attachment of reply?.attachments ?? []) {
    const bytes = await buffer(await attachment.open());
    if (attachment.contentType === 'application/zip') {
      zipped = true;
      files.push(...(await readZipBytes(bytes)).map((entry) => numberIn(corpus, entry.name)));
    } else {
      const number = /(\d+)\.pdf$/i.exec(attachment.filename)?.[1];
      if (number && corpus.invoices.has(number)) files.push(number);
      else statement = true;
    }
  }
  const changes = changesOf(before, after, calls);
  const withdrawn =
    before.pending.some((p) => 'address' in p.change && p.change.address === WITHDRAWN) &&
    !after.pending.some((p) => 'address' in p.change && p.change.address === WITHDRAWN);
  const listed = [reply, ...pages].flatMap((page) => (page?.listed ?? []).map((row) => row.number));
  // Recorded when the owner says it; by mail from an address on record, only told to staff, and named in the answer.
  const recorded = (after.paymentClaims ?? [])
    .filter((claim) => !(before.paymentClaims ?? []).some((old) => old.number === claim.number))
    .map((claim) => claim.number);
  const told = calls.filter((call) => call.key === 'claim.told').flatMap((call) => String(call.params.numbers).split(', '));
  const claimed = [...recorded, ...told];
  const base = { invoices: [] as string[], zipped, statement, changes, locale: reply?.locale ?? '', mailed, keys };
  const got = (answer: Got['answer'], invoices: string[] = []): Got => ({ ...base, answer, invoices: [...new Set(invoices)].sort() });
  if (reply === null) return got(changes.length > 0 ? 'change' : 'nothing');
  if (reply.outcome === 'not-understood') return got('notUnderstood');
  if (reply.choices) return { ...got('clarify'), options: reply.choices.map(() => got('other')) };
  if (withdrawn) return got('cancelChange');
  if (changes.length > 0) return got('change');
  if (has('balance')) return got('balance', files.length > 0 ? files : []);
  if (has('claim')) return got('paidClaim', claimed);
  if (files.length > 0) return got(zipped ? 'zip' : 'pdf', files);
  if (reply.details) return got('details', [reply.details.number]);
  if (has('notifications.howTo')) return got('settings');
  if (has('help.intro')) return got('help');
  if (has('offTopic')) return got('offTopic');
  if (has('smalltalk')) return got('smalltalk');
  if (has('confirm.done', 'confirm.wrong', 'confirm.nothing', 'confirm.missingCode')) return got('confirm');
  if (reply.listed || has('list.empty')) return got('list', listed);
  if (has('invoice.unknown', 'zip.empty')) return got('notFound');
  return got('other');
}

/** The invoice number a file in a ZIP is named after (`facture-1210.pdf`). */
function numberIn(corpus: CorpusApp, name: string): string {
  const number = /(\d+)(?:-\d+)?\.pdf$/i.exec(name)?.[1];
  return number && corpus.invoices.has(number) ? number : name;
}

/**
 * What a sentence refused, read from it by hand (never from Facteur's reading): the answers it
 * declined (« inutile de m'envoyer le détail », "don't zip them"; `statement`: the account
 * statement; `paidClaim`: she says she has not paid) and the invoices it excluded (« sauf
 * celle de mai », "not 1270"). Giving one of them is answering with the opposite.
 */
export interface Refused {
  declined?: (Answer | 'statement')[];
  excluded?: string[];
}

export interface Verdict {
  pass: boolean;
  /** Why it missed, as `class: detail` (classes: language, notUnderstood, answer, invoices, statement, change, options). */
  miss?: string;
  /**
   * Why it is answered as its opposite, as `class: detail`. Classes: `otherCustomer` (an
   * invoice of another customer given), `mailed` (a mail to an address the entry names as
   * never to be used, or to any address but Awa's own and the one a change she asked names),
   * `change` (a change of the account made or asked that is not the one she asked, a setting
   * reversed among them), `declined` (an answer she declined), `excluded` (an invoice she
   * excluded given).
   */
  opposite?: string;
}

const FILE_ANSWERS: Answer[] = ['pdf', 'zip', 'files'];

/** Judges what was got against what the entry expects (see FORMAT.md), and whether it is the opposite of what was asked. */
export function judge(corpus: CorpusApp, entry: Entry, got: Got, refused: Refused = {}): Verdict {
  const opposite = oppositeOf(corpus, entry, got, refused);
  // Nothing said is said in no language.
  const miss = missOf(entry.expect, got) ?? (got.answer !== 'nothing' && got.locale !== entry.lang ? `language: ${got.locale} for ${entry.lang}` : undefined);
  return { pass: !opposite && !miss, ...(miss ? { miss } : {}), ...(opposite ? { opposite } : {}) };
}

function oppositeOf(corpus: CorpusApp, entry: Entry, got: Got, refused: Refused): string | undefined {
  const { expect } = entry;
  const others = got.invoices.filter((number) => corpus.invoices.get(number)?.customer !== OWNER);
  if (others.length > 0) return `otherCustomer: ${others.join(' ')}`;
  const allowed = new Set([
    OWNER,
    entry.from ?? OWNER,
    ...(expect.change && typeof expect.change.value === 'string' ? [expect.change.value.toLowerCase()] : []),
  ]);
  const never = new Set((expect.neverMails ?? []).map((address) => address.toLowerCase()));
  const mailed = got.mailed.filter((address) => never.has(address) || !allowed.has(address));
  if (mailed.length > 0) return `mailed: ${mailed.join(' ')}`;
  const unasked = got.changes.filter((change) => !(expect.answer === 'change' && sameChange(change, expect.change!)));
  if (unasked.length > 0) return `change: ${unasked.map((change) => `${change.what}=${change.value}`).join(' ')}`;
  for (const declined of refused.declined ?? []) {
    if (declined === 'statement' ? got.statement : declined === 'files' ? FILE_ANSWERS.includes(got.answer as Answer) : got.answer === declined)
      return `declined: ${declined}`;
  }
  const excluded = got.invoices.filter((number) => refused.excluded?.includes(number));
  if (excluded.length > 0) return `excluded: ${excluded.join(' ')}`;
  return undefined;
}

function sameChange(a: Change, b: Change): boolean {
  return (
    a.what === b.what && (typeof a.value === 'string' && typeof b.value === 'string' ? a.value.toLowerCase() === b.value.toLowerCase() : a.value === b.value)
  );
}

function missOf(expect: Expect, got: Got): string | undefined {
  const wanted = [...new Set(expect.invoices ?? [])].sort();
  const nothingFound = expect.invoices !== undefined && wanted.length === 0 && expect.answer !== 'list' && expect.answer !== 'paidClaim';
  if (nothingFound) return got.answer === 'notFound' ? undefined : answerMiss(expect, got);
  const kindOk = (() => {
    switch (expect.answer) {
      case 'pdf':
        return got.answer === 'pdf' || (got.answer === 'zip' && wanted.length > 5);
      case 'files':
        return got.answer === 'pdf' || got.answer === 'zip';
      default:
        return got.answer === expect.answer;
    }
  })();
  if (!kindOk) return answerMiss(expect, got);
  if (expect.invoices !== undefined && got.invoices.join(' ') !== wanted.join(' ')) {
    const extra = got.invoices.filter((n) => !wanted.includes(n));
    const lacking = wanted.filter((n) => !got.invoices.includes(n));
    return `invoices: ${[...extra.map((n) => `+${n}`), ...lacking.map((n) => `-${n}`)].join(' ')}`;
  }
  if (expect.answer === 'balance' && expect.statement === false && got.statement) return 'statement: attached though declined';
  if (expect.answer === 'change' && !(got.changes.length === 1 && sameChange(got.changes[0]!, expect.change!))) {
    return `change: ${got.changes.map((c) => `${c.what}=${c.value}`).join(' ') || 'none'} for ${expect.change!.what}=${expect.change!.value}`;
  }
  if (expect.answer === 'clarify') {
    const options = got.options ?? [];
    const unmatched = (expect.options ?? []).filter((option) => !options.some((o) => missOf(option, o) === undefined));
    if (unmatched.length > 0 || options.length !== (expect.options ?? []).length)
      return `options: ${options.map((o) => `${o.answer} ${o.invoices.join(' ')}`).join(' | ')}`;
  }
  return undefined;
}

/** What a corpus's table of refusals says of an entry (`others`: every invoice of Awa's but the expected ones, for « pas tout, seulement … »). */
export function refusedOf(corpus: CorpusApp, entry: Entry, table: Record<string, Omit<Refused, 'excluded'> & { excluded?: string[] | 'others' }>): Refused {
  const refused = table[entry.id] ?? {};
  if (refused.excluded !== 'others') return refused as Refused;
  const own = [...corpus.invoices.values()].filter((invoice) => invoice.customer === OWNER).map((invoice) => invoice.number);
  return { ...refused, excluded: own.filter((number) => !entry.expect.invoices?.includes(number)) };
}

/** A miss as misses/*.json lists it: an opposite first, for the entry is listed as one until it is answered right. */
export function reasonOf(verdict: Verdict): string {
  return verdict.opposite ? `opposite: ${verdict.opposite}` : verdict.miss!;
}

/** The score by kind and by language, the misses by class and the opposites, as the issue reports them. */
export function reportScores(title: string, entries: Entry[], verdicts: Map<string, Verdict>): void {
  const judged = entries.filter((entry) => verdicts.has(entry.id));
  if (judged.length === 0) return;
  const score = (of: Entry[]) => `${of.filter((entry) => verdicts.get(entry.id)!.pass).length}/${of.length}`;
  const kinds = [...new Set(judged.map((entry) => entry.kind))];
  const rows = kinds.map((kind) => {
    const of = judged.filter((entry) => entry.kind === kind);
    return `${kind.padEnd(16)} ${score(of).padStart(7)}   fr ${score(of.filter((e) => e.lang === 'fr')).padStart(7)}   en ${score(of.filter((e) => e.lang === 'en')).padStart(7)}`;
  });
  const classes = new Map<string, number>();
  for (const verdict of verdicts.values()) if (verdict.miss) classes.set(verdict.miss.split(':')[0]!, (classes.get(verdict.miss.split(':')[0]!) ?? 0) + 1);
  const opposites = judged
    .filter((entry) => verdicts.get(entry.id)!.opposite)
    .map((entry) => `  ${entry.id}: ${verdicts.get(entry.id)!.opposite} — ${entry.text}`);
  const lines = [
    `${title}: ${score(judged)} right (fr ${score(judged.filter((e) => e.lang === 'fr'))}, en ${score(judged.filter((e) => e.lang === 'en'))})`,
    ...rows,
    `misses by class: ${[...classes].map(([name, count]) => `${name} ${count}`).join(', ') || 'none'}`,
    `opposites: ${opposites.length}`,
    ...opposites,
  ];
  console.log(lines.join('\n'));
}

function answerMiss(expect: Expect, got: Got): string {
  const what = `${got.answer}${got.invoices.length > 0 ? ` ${got.invoices.join(' ')}` : ''}`;
  return got.answer === 'notUnderstood' ? 'notUnderstood' : `answer: ${what} for ${expect.answer}`;
}
