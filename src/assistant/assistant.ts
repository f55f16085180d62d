import type { Customer, Locale } from '../billing/types.js';
import type { ZipProgress } from '../documents/attachment.js';
import { isMachineFault } from '../faults.js';
import { details } from './actions/details.js';
import { help, notUnderstood } from './actions/help.js';
import { list, turnPage } from './actions/list.js';
import { showNotifications } from './actions/notifications.js';
import { files, pdf } from './actions/pdf.js';
import { zip } from './actions/zip.js';
import { balance } from './actions/balance.js';
import { claimPaid } from './actions/claims.js';
import { asChoice, choose, clarify, type Run } from './actions/clarify.js';
import { one, theOne } from './actions/one.js';
import { reportStrangersCopies, verifyAttached, type AttachedFile, type Asker } from './actions/verify.js';
import { offTopic, smallTalk } from './actions/talk.js';
import { askChange } from './changes/ask.js';
import { withdrawChange } from './changes/withdraw.js';
import { answerToApproval, asCode, confirmCode } from './changes/confirm.js';
import { Context, type Services } from './context.js';
import type { Command } from './command.js';
import { chatMessage, type Message } from './reading/message.js';
import { readRequest, namedNumbers, type Request as ReadRequest } from './reading/request.js';
import { contextOf } from './thread.js';
import { Conversations } from './memory.js';
import type { Reply } from './reply.js';
import { publish, secondsSince } from '../observe.js';
import { mayAsk, type Words } from './provenance.js';

/** A customer's message, as every channel hands it over. */
export interface Request {
  /** The customer, already identified by the channel (mail address, linked chat account, console). */
  customerId: string;
  text: string;
  /** The channel's idea of the language (a chat client's locale); the text's own words win. */
  locale?: Locale;
  /** Which conversation "next" continues, e.g. `console`, `discord:<channel id>`, `email:<thread>`. */
  conversation: string;
  /** For mail: the address the message came from, for actions that must come from a given address. */
  sender?: string;
  /**
   * Who the channel vouches is asking. `owner`: the account's owner, proven by the channel
   * (a linked chat account, the console and the CLI). `domain`: mail from an address on
   * record that passed DMARC: the customer's domain vouches that it comes from them, not that
   * they wrote every word of it, nor which of their people sent it; it may make at once what
   * sends invoices nowhere new, and what would (`redirectsInvoices`) waits for the owner's
   * approval. `address`: mail from an address on the customer's record and nothing more,
   * which a forger writes in seconds: it may ask for what goes back to that address (lists,
   * PDFs, ZIPs, details), and every change waits for the owner's approval.
   */
  trust: 'owner' | 'domain' | 'address';
  /**
   * Whose words `text` is (`own` when absent). `quoted`: words the asker only passed along,
   * which someone else wrote (a reply's Subject): they may ask only what `mayAsk` allows, and
   * are no answer to an approval.
   */
  words?: Words;
  /**
   * The message as the channel read it into zones (a mail's subject, the customer's own
   * words, quoted and forwarded text, the signature, hidden text); absent, `text` is read as a
   * chat message. It is read in its context (see `replyingTo`).
   */
  message?: Message;
  /**
   * The messages it answers, the nearest first: a mail's In-Reply-To, then its References from
   * the newest; the Discord message it replies to. What the nearest that Facteur sent this
   * customer carried is what « renvoyez-la », "those" point at (see `thread.ts`); another
   * customer's, or one Facteur never sent, points at nothing.
   */
  replyingTo?: string[];
  /**
   * For mail: the Message-ID this message is a direct reply to (In-Reply-To), which may be
   * an approval mail's. Only the direct reply counts, not every later mail of the thread.
   */
  inReplyTo?: string;
  /**
   * The command itself, when the channel already has it in parts (a chat command's options):
   * it is not parsed from `text` again, which then only says what was asked, for the logs.
   */
  command?: Command;
  /**
   * How far a ZIP this request makes is prepared, for a channel that shows it (Discord edits
   * its acknowledgement). A plain callback: the assistant knows no chat network.
   */
  progress?: ZipProgress;
  /**
   * PDFs the message carried (mail attachments, files of a Discord DM), for « est-ce bien une
   * facture de chez vous ? »: checked when the words ask so, or when they ask nothing else.
   */
  documents?: AttachedFile[];
}

type Handler<C extends Command> = (ctx: Context, command: C, request: Request, run: Run) => Reply | Promise<Reply>;
type Handlers = { [I in Command['intent']]: Handler<Extract<Command, { intent: I }>> };

const HANDLERS: Handlers = {
  help: (ctx) => help(ctx),
  list: (ctx, c) => list(ctx, c.filter),
  page: (ctx, c) => turnPage(ctx, c.step, c.from),
  pdf: (ctx, c) => pdf(ctx, c.numbers),
  // Staff resends are the staff desk's; a customer who asks to have an invoice sent again wants its PDF.
  resend: (ctx, c) => pdf(ctx, c.numbers),
  details: (ctx, c, request, run) => (c.filter ? theOne(ctx, c.filter, (number) => ({ intent: 'details', number }), run) : details(ctx, c.number)),
  zip: (ctx, c) => zip(ctx, c.filter),
  files: (ctx, c) => files(ctx, c.filter),
  notifications: (ctx) => showNotifications(ctx),
  attachments: (ctx, c, request) => askChange(ctx, { kind: 'attachments', on: c.on }, request),
  chat: (ctx, c, request) => askChange(ctx, { kind: 'chat', on: c.on }, request),
  reminders: (ctx, c, request) => askChange(ctx, { kind: 'reminders', on: c.on }, request),
  verify: (ctx, c, request) => verifyAttached(ctx, request.documents ?? [], askerOf(request)),
  paidClaim: (ctx, c, request, run) =>
    c.filter ? theOne(ctx, { ...c.filter, status: 'unpaid' }, (number) => ({ intent: 'paidClaim', numbers: [number] }), run) : claimPaid(ctx, c.numbers, request.trust !== 'address'),
  address: (ctx, c, request) => askChange(ctx, { kind: 'address', address: c.address }, request),
  contactAdd: (ctx, c, request) => askChange(ctx, { kind: 'contact', address: c.address }, request),
  contactRemove: (ctx, c, request) => askChange(ctx, { kind: 'contactRemoved', address: c.address }, request),
  contactMayAsk: (ctx, c, request) => askChange(ctx, { kind: 'contactMayAsk', address: c.address, on: c.on }, request),
  confirm: (ctx, c, request) => confirmCode(ctx, c.code, request),
  withdraw: (ctx, c, request) => withdrawChange(ctx, c.kind, request),
  one: (ctx, c) => one(ctx, c.filter),
  balance: (ctx, c) => balance(ctx, c),
  smalltalk: (ctx, c) => smallTalk(ctx, c.kind),
  offTopic: (ctx) => offTopic(ctx),
  clarify: (ctx, c, request, run) => clarify(ctx, c.options, run),
  choose: (ctx, c, request, run) => choose(ctx, c.index, run),
};

/** Who sent a message to be checked, as staff are told: the mail sender, or the channel's conversation. */
function askerOf(request: Request): Asker {
  return { sender: request.sender ?? request.conversation, channel: request.conversation.split(':')[0] ?? request.conversation };
}

function dispatch(ctx: Context, command: Command, request: Request): Promise<Reply> {
  const handler = HANDLERS[command.intent] as Handler<Command>;
  return Promise.resolve(handler(ctx, command, request, (chosen) => dispatch(ctx, chosen, request)));
}

/**
 * The one brain behind every channel: text in, `Reply` out. It knows nothing of
 * Discord, IMAP or terminals, so a feature added here works everywhere the same day.
 */
export class Assistant {
  private readonly memory = new Conversations();

  constructor(private readonly services: Services) {}

  /** Today in PUSH_TIMEZONE: what channels read sentences against, as the assistant does. */
  today(): string {
    return this.services.today();
  }

  /** A stranger's PDFs, to be checked for staff only (see reportStrangersCopies): the channel answers the stranger as it would anyway. */
  checkStrangersCopies(files: AttachedFile[], asker: Asker): Promise<void> {
    return reportStrangersCopies(this.services, files, asker);
  }

  async handle(request: Request): Promise<Reply> {
    const started = performance.now();
    const reply = await this.answer(request);
    publish('answer', { outcome: reply.outcome, seconds: secondsSince(started) });
    return reply;
  }

  /**
   * The request a message carries, read in its context: what the message it answers carried
   * (the customer's own deliveries only), or else what its subject names. A text a channel
   * says is quoted stays quoted; a message's zones say it themselves.
   */
  private async read(customer: Customer, request: Request): Promise<Pick<ReadRequest, 'command' | 'locale' | 'words'>> {
    const today = this.services.today();
    const options = { fiscalYearStart: this.services.fiscalYearStart };
    const message = request.message ?? chatMessage(request.text);
    const context = await contextOf(this.services.store, customer, message.context?.channel ?? 'chat', request.replyingTo ?? [], () => namedNumbers(message, today, options));
    const read = readRequest({ ...message, context }, today, options);
    return !request.message && request.words === 'quoted' ? { ...read, words: 'quoted' } : read;
  }

  private async answer(request: Request): Promise<Reply> {
    const customer = await this.services.store.customerById(request.customerId);
    if (!customer) throw new Error(`Request for unknown customer id ${request.customerId}: the channel must identify the customer first`);
    const parsed = request.command ? { command: request.command, locale: null, words: request.words ?? 'own' } : await this.read(customer, request);
    const locale = parsed.locale ?? request.locale ?? customer.locale;
    // A list is paged for the customer who asked for it, whatever conversation another one writes in.
    const ctx = new Context(this.services, customer, locale, `${customer.id} ${request.conversation}`, this.memory, request.progress);
    const command = parsed.command;
    this.services.log.debug({ customer: customer.id, intent: command?.intent ?? null }, 'request');
    try {
      // A reply to an approval mail is that approval's answer, whatever else its words could mean.
      const answer = await answerToApproval(ctx, request);
      if (answer) return answer;
      // A PDF sent with no request of its own (forwarded under its subject alone, or with words that ask nothing else) is to be checked.
      const asksNothing = !command || parsed.words === 'quoted' || command.intent === 'smalltalk' || command.intent === 'help' || command.intent === 'offTopic';
      if (request.documents?.length && asksNothing) return await verifyAttached(ctx, request.documents, askerOf(request));
      if (!command) return notUnderstood(ctx);
      const meant = await asCode(ctx, await asChoice(ctx, command), request.text);
      if (!mayAsk(parsed.words, meant)) {
        this.services.log.warn({ event: 'request.notOwnWords', customer: customer.id, intent: meant.intent }, 'a change asked in words the customer did not write (a reply\'s subject): refused');
        return ctx.refuse('words.notOwn');
      }
      return await dispatch(ctx, meant, request);
    } catch (error) {
      // A full disk is the machine's, not the request's: the channel leaves the request for later rather than answer it with an apology.
      if (isMachineFault(error)) throw error;
      this.services.log.error({ err: error, customer: customer.id, intent: command?.intent ?? null }, 'request failed');
      return ctx.reply([ctx.t('error.internal')], { outcome: 'refused' });
    }
  }
}
