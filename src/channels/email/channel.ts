import path from 'node:path';
import type { Assistant } from '../../assistant/assistant.js';
import type { StaffDesk } from '../../assistant/staff.js';
import { addressIn } from '../../billing/provider.js';
import type { Config } from '../../config.js';
import { dataPaths } from '../../data-folder.js';
import type { Logger } from '../../log.js';
import type { LinkMaker } from '../../download-links/links.js';
import type { Bounces } from '../../notifications/bounces.js';
import type { Deliveries } from '../../notifications/deliveries.js';
import type { Mailer } from '../../outbound/mail.js';
import type { Store } from '../../store/store.js';
import type { Catalog } from '../../templates/catalog.js';
import type { Channel } from '../channel.js';
import { FolderWatcher } from './folder.js';
import { ImapWatcher, type Watchdog } from './imap.js';
import { MailPipeline } from './pipeline.js';
import type { MailWatcher } from './watcher.js';

/** What the billing inbox uses of the app. */
export interface MailChannelServices {
  config: Pick<Config, 'mailFrom' | 'imap' | 'smtp' | 'staffEmails' | 'mail' | 'dataDir' | 'pdfs'>;
  store: Store;
  assistant: Assistant;
  catalog: Catalog;
  mailer: Mailer;
  log: Logger;
  staff: StaffDesk;
  deliveries: Deliveries;
  /** Download links for ZIPs over MAIL_SIZE_LIMIT_MB, when `facteur start` serves them; null: such ZIPs are split. */
  downloadLinks: LinkMaker | null;
  bounces: Bounces;
}

/**
 * The billing inbox channel as configured: the IMAP mailbox when IMAP_HOST is set,
 * otherwise the local inbox folder, both feeding one pipeline that answers through the
 * app's mailer (SMTP or the local outbox).
 */
export function mailChannel(app: MailChannelServices, options: { watchdog?: Watchdog } = {}): Channel {
  const { config, store, assistant, catalog, mailer, log } = app;
  const own = [config.mailFrom, config.imap?.user, config.smtp?.auth?.user].flatMap((text) => (text ? (addressIn(text) ?? []) : []));
  const staff = { emails: config.staffEmails, desk: app.staff };
  if (config.staffEmails.length > 0 && config.mail.dmarcAuthservId === null) {
    log.warn(
      { event: 'mail.staff.off' },
      'FACTEUR_STAFF_EMAILS is set but MAIL_DMARC_AUTHSERV_ID is not: staff requests by mail are refused, since a From alone proves nothing (use /staff or facteur resend)',
    );
  }
  const pipelineOf = (reportsOnly: boolean) =>
    new MailPipeline({
      store,
      assistant,
      catalog,
      mailer,
      log,
      settings: config.mail,
      ownAddresses: own,
      staff,
      deliveries: app.deliveries,
      pdfMaxBytes: config.pdfs.maxBytes,
      downloadLinks: app.downloadLinks,
      bounces: app.bounces,
      reportsOnly,
    });
  const { processedFolder, failedFolder, bounceFolder } = config.mail;
  const mailDir = path.dirname(dataPaths(config.dataDir).inbox);
  const watcherOf = (folder: string | null, reportsOnly: boolean): MailWatcher => {
    const pipeline = pipelineOf(reportsOnly);
    if (config.imap)
      return new ImapWatcher({
        imap: folder ? { ...config.imap, mailbox: folder } : config.imap,
        folders: { processed: processedFolder, failed: failedFolder },
        pipeline,
        log,
        ...options,
      });
    return new FolderWatcher({
      inbox: folder ? path.join(mailDir, folder) : dataPaths(config.dataDir).inbox,
      processed: path.join(mailDir, processedFolder),
      failed: path.join(mailDir, failedFolder),
      pipeline,
      log,
    });
  };
  const inbox = watcherOf(null, false);
  const watching = bounceFolder ? bothWatchers(inbox, watcherOf(bounceFolder, true)) : inbox;
  return { start: async () => watching.start(), stop: () => watching.stop(), state: () => watching.state() };
}

/** The inbox and the bounce folder watched together: both up for `/readyz`, both stopped on stop. */
function bothWatchers(inbox: MailWatcher, bounces: MailWatcher): MailWatcher {
  return {
    start: () => [inbox, bounces].forEach((watcher) => watcher.start()),
    stop: async () => void (await Promise.all([inbox.stop(), bounces.stop()])),
    state: () => {
      const [a, b] = [inbox.state(), bounces.state()];
      return { up: a.up && b.up, detail: `${a.detail}; bounce folder: ${b.detail}` };
    },
  };
}
