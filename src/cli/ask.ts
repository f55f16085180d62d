import { createApp } from '../app.js';
import { answerOnce } from '../channels/console/once.js';
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
    const answered = await answerOnce(app, customer, text, outDir ?? dataPaths(config.dataDir).out, (line) => out(`${line}\n`));
    return answered ? 0 : 1;
  } finally {
    await app.close();
  }
}
