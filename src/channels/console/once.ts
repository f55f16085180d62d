import type { Assistant } from '../../assistant/assistant.js';
import type { Customer } from '../../billing/types.js';
import type { Deliveries } from '../../notifications/deliveries.js';
import type { Catalog } from '../../templates/catalog.js';
import { handOver } from '../files.js';
import { renderText } from '../text.js';

/** What `answerOnce` uses of the app. */
export interface OnceServices {
  assistant: Assistant;
  /** Where the files written are recorded, by their SHA-256. */
  deliveries: Pick<Deliveries, 'handedOver'>;
  catalog: Catalog;
}

/**
 * One sentence of `customer` answered as the console answers it, for `facteur ask`: `say` gets
 * the reply as text, then (once they are written in `outDir`) where its files are. Resolves
 * whether the request was answered; a file that cannot be written throws after the text was said.
 */
export async function answerOnce(services: OnceServices, customer: Customer, text: string, outDir: string, say: (line: string) => void): Promise<boolean> {
  const reply = await services.assistant.handle({ customerId: customer.id, text, conversation: `cli:${customer.id}`, trust: 'owner' });
  say(renderText(reply));
  for (const file of await handOver(reply.attachments, outDir, { customerId: customer.id, deliveries: services.deliveries }))
    say(services.catalog.t(reply.locale, 'console.saved', { path: file }));
  return reply.outcome === 'answered';
}
