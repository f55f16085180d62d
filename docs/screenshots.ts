/**
 * The pictures the README shows under "What a customer sees", made from the demo data by the
 * code that sends the real thing, so that they stay true: the first page of an invoice's PDF
 * (through pdftoppm, from poppler-utils), an announcement of new invoices as a mail client
 * shows it on a desktop and on a phone, and the answer to « mes factures » by mail on a phone
 * (headless Chromium, Debian's). Run it again after changing templates/:
 *
 *   npm run screenshots
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { chromium } from 'playwright-core';
import { createApp } from '../src/app.js';
import { composeReplies } from '../src/channels/email/compose.js';
import { readMail } from '../src/channels/email/read.js';
import { loadConfig } from '../src/config.js';
import { dataPaths } from '../src/data-folder.js';
import { createLogger } from '../src/log.js';
import { invoiceMessage } from '../src/notifications/compose.js';
import { showMail } from '../test/support/look.js';
import { CHROMIUM } from '../test/peers/programs.js';

const DOCS = path.dirname(new URL(import.meta.url).pathname);
/** The day the demo data runs to, fixed so that the pictures change only when the templates do. */
const DEMO_UNTIL = '2026-11-25';
/** Wide enough to read the invoice, small enough for a README. */
const INVOICE_WIDTH = 640;

const run = promisify(execFile);
await run('pdftoppm', ['-v']).catch(() => {
  console.error('pdftoppm is missing: it comes with poppler-utils (Debian, Ubuntu: apt-get install poppler-utils; macOS: brew install poppler).');
  process.exit(1);
});

const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-screenshots-'));
const app = await createApp(loadConfig({ FACTEUR_DATA_DIR: dataDir, FACTEUR_DEMO: 'true', FACTEUR_DEMO_UNTIL: DEMO_UNTIL, REMINDERS_ENABLED: 'false' }), createLogger('silent'));
const browser = await chromium.launch({ executablePath: CHROMIUM });
try {
  const customer = (await app.store.customerByAddress('awa@example.cm'))!;
  const newest = (await app.store.invoices(customer.id)).toSorted((a, b) => b.issuedAt.localeCompare(a.issuedAt)).slice(0, 2);

  const pdf = await app.documents.pdf(newest[0]!, customer);
  await run('pdftoppm', ['-png', '-f', '1', '-l', '1', '-singlefile', '-scale-to-x', String(INVOICE_WIDTH), '-scale-to-y', '-1', pdf, path.join(DOCS, 'invoice')]);

  // The announcement as the push sends it, through the mailer, read back from the local outbox.
  const { subject, letter } = invoiceMessage(app.catalog, customer, newest, 'push', true);
  const attachments = await Promise.all(newest.map((invoice) => app.documents.pdfAttachment(invoice, customer)));
  await app.mailer.send({ to: customer.email, subject, letter, attachments });
  // The answer to a list asked by mail, as the billing inbox composes it.
  const asked = await readMail(Buffer.from(`From: Awa Nkolo <${customer.email}>\r\nTo: facturation@sanaga-hebergement.example\r\nSubject: mes factures\r\nMessage-ID: <screenshots@example.cm>\r\n\r\nmes factures svp\r\n`));
  const reply = await app.assistant.handle({ customerId: customer.id, text: asked.text, conversation: 'screenshots', trust: 'address', sender: asked.sender });
  const [answer] = (await composeReplies(reply, asked, asked.sender, app.catalog, app.config.mail.sizeLimitBytes, null)).mails;
  await app.mailer.send(answer!);

  const outbox = dataPaths(dataDir).outbox;
  const [announcement, list] = await Promise.all((await readdir(outbox)).filter((name) => name.endsWith('.eml')).sort().map(async (name) => simpleParser(await readFile(path.join(outbox, name)))));
  for (const [name, mail, width] of [['mail-desktop', announcement!, 1000], ['mail-phone', announcement!, 375], ['list-phone', list!, 375]] as const) {
    const page = await showMail(browser, mail, width);
    // As tall as the mail, no taller.
    await page.setViewportSize({ width, height: 1 });
    await page.screenshot({ path: path.join(DOCS, `${name}.png`), fullPage: true });
    await page.context().close();
  }
  console.log(`docs/invoice.png, mail-desktop.png, mail-phone.png, list-phone.png: invoice ${newest[0]!.number}, the announcement of ${newest.map((invoice) => invoice.number).join(' and ')}, Awa's list`);
} finally {
  await browser.close();
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
}
