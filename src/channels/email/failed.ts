import { readdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import type { Config, ImapSettings } from '../../config.js';
import { dataPaths } from '../../data-folder.js';
import { MAX_MESSAGE_BYTES, readMail } from './read.js';

/** A message the pipeline filed in the Failed folder, as an operator picks it out. */
export interface FailedMessage {
  /** Its UID in the Failed folder, or its file name in local mode. */
  id: string;
  from: string;
  subject: string;
  date: string;
  messageId: string | null;
}

/** The Failed folder, where the operator looks at what could not be handled and hands messages back to be handled again. */
export interface FailedFolder {
  list(): Promise<FailedMessage[]>;
  /** Moves these messages (or all) back to the mailbox Facteur watches, unread; resolves with the ids moved. */
  requeue(ids: string[] | 'all'): Promise<string[]>;
}

/** The Failed folder as configured, for `facteur inbox`: the IMAP mailbox's when IMAP_HOST is set, else the local one. */
export function failedFolder(config: Pick<Config, 'imap' | 'dataDir' | 'mail'>): FailedFolder {
  if (config.imap) return imapFailedFolder(config.imap, config.mail.failedFolder);
  const inboxDir = dataPaths(config.dataDir).inbox;
  return localFailedFolder(path.join(path.dirname(inboxDir), config.mail.failedFolder), inboxDir);
}

/**
 * The Failed folder of the billing mailbox. A message handed back is handled again by the
 * running Facteur: its record says it failed, so it is not taken for a duplicate.
 */
function imapFailedFolder(imap: ImapSettings, failedFolder: string): FailedFolder {
  const withClient = async <T>(work: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({ host: imap.host, port: imap.port, secure: imap.tls, auth: { user: imap.user, pass: imap.password }, logger: false });
    client.on('error', () => {});
    await client.connect();
    try {
      const lock = await client.getMailboxLock(failedFolder);
      try {
        return await work(client);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  };
  return {
    list: () =>
      withClient(async (client) => {
        if (!client.mailbox || client.mailbox.exists === 0) return [];
        const messages = await client.fetchAll('1:*', { uid: true, envelope: true });
        return messages.map((m) => ({
          id: String(m.uid),
          from: m.envelope?.from?.[0]?.address ?? '',
          subject: m.envelope?.subject ?? '',
          date: m.envelope?.date ? new Date(m.envelope.date).toISOString() : '',
          messageId: m.envelope?.messageId ?? null,
        }));
      }),
    requeue: (ids) =>
      withClient(async (client) => {
        if (!client.mailbox || client.mailbox.exists === 0) return [];
        const present = new Set((await client.fetchAll('1:*', { uid: true })).map((m) => String(m.uid)));
        const chosen = ids === 'all' ? [...present] : ids.filter((id) => present.has(id));
        if (chosen.length > 0) {
          await client.messageFlagsRemove(chosen.join(','), ['\\Seen'], { uid: true });
          await client.messageMove(chosen.join(','), imap.mailbox, { uid: true });
        }
        return chosen;
      }),
  };
}

/** Local mode's Failed folder, beside `data/mail/inbox/`: its `.eml` files, by name. */
function localFailedFolder(failedDir: string, inboxDir: string): FailedFolder {
  const names = async () => (await readdir(failedDir).catch(() => [])).filter((name) => name.endsWith('.eml')).sort();
  return {
    async list() {
      return Promise.all(
        (await names()).map(async (name) => {
          const file = path.join(failedDir, name);
          const mail = await readMail((await readFile(file)).subarray(0, MAX_MESSAGE_BYTES)).catch(() => null);
          return {
            id: name,
            from: mail?.sender ?? '',
            subject: mail?.subject ?? '',
            date: (await stat(file)).mtime.toISOString(),
            messageId: mail?.messageId ?? null,
          };
        }),
      );
    },
    async requeue(ids) {
      const present = await names();
      const chosen = ids === 'all' ? present : ids.filter((id) => present.includes(id));
      for (const name of chosen) await rename(path.join(failedDir, name), path.join(inboxDir, name));
      return chosen;
    },
  };
}
