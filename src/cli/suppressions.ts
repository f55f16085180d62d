import type { Config } from '../config.js';
import { liftThroughService } from '../http/client.js';
import { readServiceFile } from '../http/service-file.js';
import { createLogger, type Logger } from '../log.js';
import { liftSuppression } from '../notifications/suppressions.js';
import { renderTable } from '../templates/table.js';
import { openStore } from '../store/open.js';
import { err, out, type ExitCode } from './terminal.js';

/**
 * `facteur suppressions`: the addresses mail is held back from because it bounced (or was
 * reported as spam), whose they are and why; `--lift ADDRESS` lets mail go to one again, once
 * staff know it works (the customer fixed their mailbox, a full one was emptied).
 */
export async function suppressions(config: Config, lift: string | undefined): Promise<ExitCode> {
  const log = createLogger(config.logLevel);
  if (lift !== undefined) return liftOne(config, log, lift);
  // Only a lift writes: the list may be read while a running Facteur holds the data folder.
  const store = await openStore(config, log, { readOnly: true });
  try {
    const all = await store.suppressions();
    if (all.length === 0) {
      out('No address is suppressed.\n');
      return 0;
    }
    const emails = new Map<string, string>();
    for (const id of new Set(all.flatMap((s) => (s.customerId ? [s.customerId] : [])))) emails.set(id, (await store.customerById(id))?.email ?? id);
    const table = renderTable({
      columns: ['address', 'customer', 'since', 'why', 'status', 'what the server said'],
      rows: all.map((s) => [
        s.address,
        s.customerId ? (emails.get(s.customerId) ?? s.customerId) : '',
        s.since.slice(0, 16).replace('T', ' '),
        s.kind,
        s.status,
        s.diagnostic,
      ]),
    });
    out(`${table}\n\nfacteur suppressions --lift ADDRESS lets mail go to one again.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** A running Facteur holds the data folder: the lift is sent to it (as an import is); otherwise the store is opened here. */
async function liftOne(config: Config, log: Logger, lift: string): Promise<ExitCode> {
  const address = lift.trim().toLowerCase();
  const service = await readServiceFile(config.dataDir);
  let lifted = service ? await liftThroughService(service, address) : null;
  if (lifted === null) {
    const store = await openStore(config, log);
    try {
      lifted = await liftSuppression(store, log, address, 'cli');
    } finally {
      await store.close();
    }
  }
  if (!lifted) {
    err(`facteur suppressions: ${address} is not suppressed; nothing changed\n`);
    return 1;
  }
  out(`Lifted: mail goes to ${address} again (suppressed since ${lifted.since.slice(0, 10)}: ${lifted.kind} ${lifted.status} ${lifted.diagnostic}).\n`);
  return 0;
}
