import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { Assistant } from '../../assistant/assistant.js';
import type { Store } from '../../store/store.js';
import type { Catalog } from '../../templates/catalog.js';
import { SaveError, saveAttachments } from '../files.js';
import { isMachineFault } from '../../faults.js';
import { printable, renderText } from '../text.js';

export interface ConsoleOptions {
  assistant: Assistant;
  store: Store;
  catalog: Catalog;
  /** Login email of the customer to speak as first. */
  speakAs: string;
  /** Where attachments are written; their paths are printed. */
  outDir: string;
  input: Readable;
  output: Writable;
}

/** Customers `:customers` lists at most. */
const LISTED = 50;

/**
 * The embedded chat: the terminal plays one customer at a time. Lines starting with
 * `:` talk to the console itself (switch customer, list them, quit); everything else
 * goes to the assistant exactly as a Discord message or an email would.
 */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { assistant, store, catalog, output } = options;
  let customer = (await store.customerByAddress(options.speakAs)) ?? (await store.customers({ limit: 1 }))[0];
  if (!customer) throw new Error('The store has no customer to speak as: import invoices first (facteur import FILE)');
  const say = (text: string) => output.write(`${printable(text)}\n`);
  const t = (key: string, params?: Record<string, string>) => catalog.t(customer!.locale, key, params);

  say(t('console.welcome', { name: customer.name, email: customer.email }));
  say(t('console.howTo'));
  const lines = createInterface({ input: options.input, output, terminal: false });
  output.write('> ');
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === ':quit' || line === ':q') break;
    if (line.startsWith(':as ')) {
      const next = await store.customerByAddress(line.slice(4).trim());
      if (next) customer = next;
      say(next ? t('console.switched', { name: customer.name, email: customer.email }) : t('console.unknownCustomer', { email: line.slice(4).trim() }));
    } else if (line === ':clients' || line === ':customers') {
      // The first ones by name: a provider's whole base is no list to print at a prompt.
      say(t('console.customers', { list: (await store.customers({ limit: LISTED })).map((c) => `${c.name} <${c.email}>`).join(', ') }));
    } else if (line !== '') {
      const reply = await assistant.handle({ customerId: customer.id, text: line, conversation: `console:${customer.id}`, trust: 'owner' }).catch((error: unknown) => {
        // What the machine could not do (a full disk) stops this answer, not the console.
        if (!isMachineFault(error)) throw error;
        return { locale: customer!.locale, outcome: 'refused' as const, text: [t('error.internal')], attachments: [] };
      });
      say(renderText(reply));
      try {
        for (const file of await saveAttachments(reply.attachments, options.outDir)) say(catalog.t(reply.locale, 'console.saved', { path: file }));
      } catch (error) {
        if (!(error instanceof SaveError)) throw error;
        say(t('console.notSaved', { reason: error.message }));
      }
    }
    output.write('> ');
  }
  say(t('console.bye'));
  lines.close();
}
