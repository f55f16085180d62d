import { failedFolder, type FailedFolder, type FailedMessage } from '../channels/email/failed.js';
import { renderTable } from '../templates/table.js';
import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { openStore } from '../store/open.js';
import { RETENTION_DAYS } from '../store/retention.js';
import type { Store } from '../store/store.js';
import { err, out, type ExitCode } from './terminal.js';

/**
 * `facteur inbox failed` lists the messages in the Failed folder with why each is there;
 * `facteur inbox retry ID…|--all-failed` hands them back to the watched mailbox, where the
 * running Facteur (or the next start) handles them again. Neither writes the data folder,
 * so both work while `facteur start` runs.
 */
export async function inbox(config: Config, action: string, ids: string[], all: boolean): Promise<ExitCode> {
  const folder = failedFolder(config);
  if (action === 'failed') return listFailed(config, folder);
  const moved = await folder.requeue(all ? 'all' : ids);
  const unknown = all ? [] : ids.filter((id) => !moved.includes(id));
  if (unknown.length > 0) err(`facteur inbox retry: not in the ${config.mail.failedFolder} folder, left alone: ${unknown.join(', ')}\n`);
  if (moved.length > 0) out(`Handed back to be handled again: ${moved.join(', ')}\n`);
  else if (all) out(`The ${config.mail.failedFolder} folder is empty.\n`);
  return unknown.length > 0 ? 1 : 0;
}

async function listFailed(config: Config, folder: FailedFolder): Promise<ExitCode> {
  const messages = await folder.list();
  if (messages.length === 0) {
    out(`The ${config.mail.failedFolder} folder is empty.\n`);
    return 0;
  }
  const store = await openStore(config, createLogger(config.logLevel), { readOnly: true });
  try {
    const rows: string[][] = [];
    for (const m of messages) rows.push([m.id, m.date.slice(0, 16).replace('T', ' '), m.from, short(m.subject, 40), short(await whyFailed(store, m), 80)]);
    out(`${renderTable({ columns: ['id', 'date', 'from', 'subject', 'why'], rows })}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** Why a message is in the Failed folder, as its record says; never blank: where no record says, what that means. */
async function whyFailed(store: Store, message: FailedMessage): Promise<string> {
  if (!message.messageId || !message.from)
    return 'no From or Message-ID to find its record by: unreadable mail (the service log says why), or moved here by hand';
  const record = await store.inboundMessage('', { messageId: message.messageId, sender: message.from.toLowerCase() });
  if (!record) return `no record of it: moved here by hand, or failed more than ${RETENTION_DAYS.inbound} days ago`;
  if (record.status === 'failed') return record.reason || 'failed, no reason recorded: the service log says why';
  return `its record says ${record.status}${record.reason ? ` (${record.reason})` : ''}, not failed: moved here by hand?`;
}

function short(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
