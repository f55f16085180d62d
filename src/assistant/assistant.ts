import type { Customer } from '../billing/types.js';
import { isMachineFault } from '../faults.js';
import { details } from './actions/details.js';
import { help, notUnderstood } from './actions/help.js';
import { list, turnPage } from './actions/list.js';
import { showNotifications } from './actions/notifications.js';
import { files, pdf } from './actions/pdf.js';
import { zip } from './actions/zip.js';
import { balance } from './actions/balance.js';
import { claimMatching, claimPaid } from './actions/claims.js';
import { asChoice, choose, clarify, type Run } from './actions/clarify.js';
import { singleInvoice, forTheInvoiceMatching } from './actions/single-invoice.js';
import { reportStrangersCopies, verifyAttached, type AttachedFile, type Asker } from './actions/verify.js';
import { offTopic, smallTalk } from './actions/talk.js';
import { askChange } from './changes/ask.js';
import { withdrawChange } from './changes/withdraw.js';
import { answerToApproval, asCode, confirmCode } from './changes/confirm.js';
import { Context, type Services } from './context.js';
import type { Command } from './command.js';
import { chatMessage, type Message } from './reading/message.js';
import { readRequest, namedNumbers, type Request as ReadRequest } from './reading/request.js';
import type { Request } from './request.js';
import { contextOf } from './thread.js';
import { Conversations } from './memory.js';
import type { Reply } from './reply.js';
import { publish, secondsSince } from '../observe.js';
import { mayAsk } from './provenance.js';

type Handler<C extends Command> = (ctx: Context, command: C, request: Request, run: Run) => Reply | Promise<Reply>;
type Handlers = { [I in Command['intent']]: Handler<Extract<Command, { intent: I }>> };

const HANDLERS: Handlers = {
  help: (ctx) => help(ctx),
  list: (ctx, c) => list(ctx, c.filter),
  page: (ctx, c) => turnPage(ctx, c.step, c.from),
  pdf: (ctx, c) => pdf(ctx, c.numbers),
  // Staff resends are the staff desk's; a customer who asks to have an invoice sent again wants its PDF.
  resend: (ctx, c) => pdf(ctx, c.numbers),
  details: (ctx, c, request, run) =>
    c.filter ? forTheInvoiceMatching(ctx, c.filter, (number) => ({ intent: 'details', number }), run) : details(ctx, c.number),
  zip: (ctx, c) => zip(ctx, c.filter),
  files: (ctx, c) => files(ctx, c.filter),
  notifications: (ctx) => showNotifications(ctx),
  attachments: (ctx, c, request) => askChange(ctx, { kind: 'attachments', on: c.on }, request),
  chat: (ctx, c, request) => askChange(ctx, { kind: 'chat', on: c.on }, request),
  reminders: (ctx, c, request) => askChange(ctx, { kind: 'reminders', on: c.on }, request),
  verify: (ctx, c, request) => verifyAttached(ctx, request.documents ?? [], askerOf(request)),
  paidClaim: (ctx, c, request, run) =>
    c.filter ? claimMatching(ctx, { ...c.filter, status: 'unpaid' }, c.every === true, run) : claimPaid(ctx, c.numbers, request.trust !== 'address'),
  address: (ctx, c, request) => askChange(ctx, { kind: 'address', address: c.address }, request),
  contactAdd: (ctx, c, request) => askChange(ctx, { kind: 'contact', address: c.address }, request),
  contactRemove: (ctx, c, request) => askChange(ctx, { kind: 'contactRemoved', address: c.address }, request),
  contactMayAsk: (ctx, c, request) => askChange(ctx, { kind: 'contactMayAsk', address: c.address, on: c.on }, request),
  confirm: (ctx, c, request) => confirmCode(ctx, c.code, request),
  withdraw: (ctx, c, request) => withdrawChange(ctx, c.kind, request),
  singleInvoice: (ctx, c) => singleInvoice(ctx, c.filter),
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
   * (the customer's own deliveries only), or else what its subject names; without a customer
   * (a stranger, staff), the message alone. A channel that decides on the request before
   * asking (mail: staff, strangers, a code coming back) reads it here once and hands the
   * reading back in `Request.command`.
   */
  async readMessage(message: Message, customer: Customer | undefined, replyingTo: string[]): Promise<ReadRequest> {
    const today = this.services.today();
    const options = { fiscalYearStart: this.services.fiscalYearStart };
    const channel = message.context?.channel ?? 'chat';
    const context = customer ? await contextOf(this.services.store, customer, channel, replyingTo, () => namedNumbers(message, today, options)) : { channel };
    return readRequest({ ...message, context }, today, options);
  }

  /** A chat message's text, read in its context; a text the channel says is quoted stays quoted. */
  private async read(customer: Customer, request: Request): Promise<Pick<ReadRequest, 'command' | 'locale' | 'words'>> {
    const read = await this.readMessage(chatMessage(request.text), customer, request.replyingTo ?? []);
    return request.words === 'quoted' ? { ...read, words: 'quoted' } : read;
  }

  private async answer(request: Request): Promise<Reply> {
    const customer = await this.services.store.customerById(request.customerId);
    if (!customer) throw new Error(`Request for unknown customer id ${request.customerId}: the channel must identify the customer first`);
    const parsed =
      request.command !== undefined ? { command: request.command, locale: null, words: request.words ?? 'own' } : await this.read(customer, request);
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
        this.services.log.warn(
          { event: 'request.notOwnWords', customer: customer.id, intent: meant.intent },
          "a change asked in words the customer did not write (a reply's subject): refused",
        );
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
