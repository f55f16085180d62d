import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { Assistant } from '../../assistant/assistant.js';
import type { Store } from '../../store/store.js';
import type { Catalog } from '../../templates/catalog.js';
import type { Deliveries } from '../../notifications/deliveries.js';
import type { Channel } from '../channel.js';
import { SaveError, handOver } from '../files.js';
import { isMachineFault } from '../../faults.js';
import { printable } from '../../printable.js';
import { renderText } from '../text.js';
import { wrap } from './wrap.js';

export interface ConsoleOptions {
  assistant: Assistant;
  store: Store;
  /** Where the files written are recorded, by their SHA-256. */
  deliveries: Pick<Deliveries, 'handedOver'>;
  catalog: Catalog;
  /** Login email of the customer to speak as first. */
  speakAs: string;
  /** Where attachments are written; their paths are printed. */
  outDir: string;
  input: Readable;
  output: Writable;
  /** Where the log goes meanwhile, when not to the terminal: the person is told once. */
  logFile?: string;
}

/** Customers `:customers` lists at most. */
const LISTED = 50;

/** The console chat as a channel: it also says when the person has left. */
export interface ConsoleChannel extends Channel {
  /** Settles when the person leaves (`:quit`, Ctrl-C, the end of input); rejects with what stopped the chat. */
  finished(): Promise<void>;
}

/** The console chat on `options.input`: `start` greets and prompts; `stop` lets the answer under way be said, then says goodbye. */
export function consoleChannel(options: ConsoleOptions): ConsoleChannel {
  const stopping = new AbortController();
  let chat: Promise<void> | null = null;
  let left = false;
  return {
    async start() {
      chat = runConsole(options, stopping.signal).finally(() => (left = true));
    },
    finished: () => chat ?? Promise.resolve(),
    async stop() {
      stopping.abort();
      // What stopped the chat was thrown to whoever waited for it to finish.
      await chat?.catch(() => undefined);
    },
    state: () => ({ up: chat !== null && !left, detail: chat === null ? 'not started' : left ? 'the person left' : `chatting as ${options.speakAs} first` }),
  };
}

/**
 * The embedded chat: the terminal plays one customer at a time. Lines starting with
 * `:` talk to the console itself (switch customer, list them, quit); everything else
 * goes to the assistant exactly as a Discord message or an email would. On a terminal,
 * readline keeps the prompt (redrawn after every answer, Ctrl-C leaves) and what is
 * said wraps at the terminal's width, read again at each answer as the window may have
 * been resized; piped, lines are written as they are.
 */
async function runConsole(options: ConsoleOptions, stopping: AbortSignal): Promise<void> {
  const { assistant, store, catalog, output } = options;
  let customer = (await store.customerByAddress(options.speakAs)) ?? (await store.customers({ limit: 1 }))[0];
  if (!customer) throw new Error('The store has no customer to speak as: import invoices first (facteur import FILE)');
  const say = (text: string) => output.write(`${printable(text)}\n`);
  const width = () => ('isTTY' in output && output.isTTY && 'columns' in output && typeof output.columns === 'number' ? output.columns : Infinity);
  const tell = (text: string) => say(wrap(text, width()));
  const t = (key: string, params?: Record<string, string>) => catalog.t(customer!.locale, key, params);

  tell(t('console.welcome', { name: customer.name, email: customer.email }));
  tell(t('console.howTo'));
  if (options.logFile) tell(t('console.logFile', { path: path.relative(process.cwd(), options.logFile) || options.logFile }));
  const terminal = 'isTTY' in options.input && options.input.isTTY === true && width() !== Infinity;
  const lines = createInterface({ input: options.input, output, terminal, prompt: '> ', signal: stopping });
  lines.on('SIGINT', () => lines.close());
  lines.prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === ':quit' || line === ':q') break;
    if (line.startsWith(':as ')) {
      const next = await store.customerByAddress(line.slice(4).trim());
      if (next) customer = next;
      tell(next ? t('console.switched', { name: customer.name, email: customer.email }) : t('console.unknownCustomer', { email: line.slice(4).trim() }));
    } else if (line === ':clients' || line === ':customers') {
      // The first ones by name: a provider's whole base is no list to print at a prompt.
      tell(t('console.customers', { list: (await store.customers({ limit: LISTED })).map((c) => `${c.name} <${c.email}>`).join(', ') }));
    } else if (line !== '') {
      const reply = await assistant
        .handle({ customerId: customer.id, text: line, conversation: `console:${customer.id}`, trust: 'owner' })
        .catch((error: unknown) => {
          // What the machine could not do (a full disk) stops this answer, not the console.
          if (!isMachineFault(error)) throw error;
          return { locale: customer!.locale, outcome: 'refused' as const, text: [t('error.internal')], attachments: [] };
        });
      say(renderText(reply, (paragraph) => wrap(paragraph, width())));
      try {
        for (const file of await handOver(reply.attachments, options.outDir, { customerId: customer.id, deliveries: options.deliveries }))
          tell(catalog.t(reply.locale, 'console.saved', { path: file }));
      } catch (error) {
        if (!(error instanceof SaveError)) throw error;
        tell(t('console.notSaved', { reason: error.message }));
      }
    }
    lines.prompt();
  }
  tell(t('console.bye'));
  lines.close();
}
