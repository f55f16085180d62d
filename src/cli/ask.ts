import { createApp } from '../app.js';
import { handOver } from '../channels/files.js';
import { renderText } from '../channels/text.js';
import type { Config } from '../config.js';
import { dataPaths } from '../data-folder.js';
import { err, out, type ExitCode } from './terminal.js';

export async function ask(config: Config, as: string, text: string, outDir: string | undefined): Promise<ExitCode> {
  const app = await createApp(config);
  try {
    const customer = await app.store.customerByAddress(as);
    if (!customer) {
      err(`facteur ask: no customer has the address ${as}\n`);
      return 1;
    }
    const reply = await app.assistant.handle({ customerId: customer.id, text, conversation: `cli:${customer.id}`, trust: 'owner' });
    out(`${renderText(reply)}\n`);
    for (const file of await handOver(reply.attachments, outDir ?? dataPaths(config.dataDir).out, { customerId: customer.id, deliveries: app.deliveries })) {
      out(`${app.catalog.t(reply.locale, 'console.saved', { path: file })}\n`);
    }
    return reply.outcome === 'answered' ? 0 : 1;
  } finally {
    await app.close();
  }
}
