/**
 * Announcements and reminders of many invoices within MAIL_SIZE_LIMIT_MB, against an SMTP
 * peer that refuses what is over its size with 552, as real servers do: 700 new invoices of
 * one wholesaler (their PDFs rendered once, then copied into each test's data folder), cut into
 * mails (1/3)…, offered as a download link, or sent again without their files when the server
 * refuses them — and in every case each invoice announced in exactly one mail.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importInvoices } from '../src/import/import.js';
import { LinkSigner } from '../src/download-links/token.js';
import { startSmtpPeer, type ReceivedMail, type SmtpPeer } from './peers/smtp.js';
import { demoApp } from './support/app.js';
import { readZip } from './support/read.js';
import { DAY_MS } from '../src/time.js';

const WHOLESALER = 'grossiste@example.cm';
const COUNT = 700;
const MB = 1024 * 1024;
const SECRET = 'the-link-secret-of-the-push-size-test-01';
const numbers = Array.from({ length: COUNT }, (_, i) => String(70_000 + i));

let seed: string;
let peer: SmtpPeer | undefined;
let app: Awaited<ReturnType<typeof demoApp>> | undefined;

/** The billing system's export of the wholesaler's 700 invoices (`count` first), unpaid, over three years. */
async function exportFile(dir: string, count = COUNT): Promise<string> {
  const file = path.join(dir, `export-${count}.json`);
  const rows = numbers.slice(0, count).map((number, i) => {
    const issued = new Date(Date.UTC(2024, 0, 1 + Math.floor(i * 1.5)));
    return {
      number,
      customer: WHOLESALER,
      customerName: 'Grossiste Douala SARL',
      issuedAt: issued.toISOString().slice(0, 10),
      dueAt: new Date(issued.getTime() + 30 * DAY_MS).toISOString().slice(0, 10),
      currency: 'XAF',
      lines: [{ label: `Hébergement boutique n° ${i + 1}`, quantity: 1, unitPrice: 25_000 + i }],
      status: 'unpaid',
    };
  });
  await writeFile(file, JSON.stringify(rows));
  return file;
}

beforeAll(async () => {
  // Every PDF rendered once, kept aside, and copied into each test's data folder: the tests send files, they do not wait for renders.
  const first = await demoApp();
  try {
    expect((await importInvoices(first.store, await exportFile(first.dataDir))).created).toBe(COUNT);
    const customer = (await first.store.customerByAddress(WHOLESALER))!;
    await first.documents.zipAttachment(await first.store.invoicesByNumber(numbers), customer);
    seed = await mkdtemp(path.join(tmpdir(), 'facteur-push-size-pdf-'));
    await cp(path.join(first.dataDir, 'pdf'), seed, { recursive: true });
  } finally {
    await first.dispose();
  }
}, 300_000);

afterAll(async () => {
  if (seed) await rm(seed, { recursive: true, force: true });
});

afterEach(async () => {
  await app?.dispose();
  await peer?.close();
  app = undefined;
  peer = undefined;
});

/** A Facteur on the demo data with `env`, mailing through an SMTP peer that takes `serverMb` at most, and the wholesaler's new invoices imported. */
async function withNewInvoices(env: Record<string, string>, serverMb: number, count = COUNT) {
  peer = await startSmtpPeer({ size: serverMb * MB });
  app = await demoApp({ SMTP_HOST: peer.host, SMTP_PORT: String(peer.port), SMTP_TLS: 'false', DELIVERY_RETRY_SECONDS: '0.05', ...env });
  await cp(seed, path.join(app.dataDir, 'pdf'), { recursive: true });
  expect((await importInvoices(app.store, await exportFile(app.dataDir, count))).created).toBe(count);
  return { app, peer, customer: (await app.store.customerByAddress(WHOLESALER))! };
}

/** The invoice numbers a mail's table lists (its text part), in order. */
function listed(mail: ReceivedMail): string[] {
  return [...(mail.parsed.text ?? '').matchAll(/^(70\d{3}) /gm)].map((match) => match[1]!);
}

/** The invoice numbers in a mail's ZIP, read back from its bytes. */
async function zipped(mail: ReceivedMail, dir: string): Promise<string[]> {
  const [zip, ...others] = mail.files;
  expect(others).toEqual([]);
  expect(zip!.contentType).toBe('application/zip');
  const file = path.join(dir, `${mail.parsed.messageId!.replace(/\W/g, '')}.zip`);
  await writeFile(file, zip!.content);
  const entries = await readZip(file);
  for (const entry of entries) expect(entry.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  return entries.map((entry) => /^facture-(\d+)\.pdf$/.exec(entry.name)![1]!);
}

const wholesalerMails = () => peer!.messages.filter((mail) => mail.envelope.to.includes(WHOLESALER));

describe('an announcement of 700 new invoices', { timeout: 120_000 }, () => {
  it('goes as mails (1/3), (2/3), (3/3) within MAIL_SIZE_LIMIT_MB, each listing the invoices whose PDFs its ZIP holds, every invoice in exactly one', async () => {
    const { app, customer } = await withNewInvoices({ MAIL_SIZE_LIMIT_MB: '8' }, 25);
    expect(await app.push.run()).toMatchObject({ invoices: COUNT, sent: 1, failed: 0 });
    const mails = await peer!.waitFor(3);
    expect(mails.map((mail) => mail.parsed.subject)).toEqual(['700 nouvelles factures (1/3)', '700 nouvelles factures (2/3)', '700 nouvelles factures (3/3)']);
    const seen: string[] = [];
    for (const [index, mail] of mails.entries()) {
      expect(mail.envelope.to).toEqual([WHOLESALER]);
      expect(mail.parsed.text).toContain('700 nouvelles factures sont disponibles');
      expect(mail.parsed.text).toContain(
        `Envoi ${index + 1} sur 3 : les fichiers sont répartis sur plusieurs messages pour ne pas dépasser la taille permise.`,
      );
      expect(mail.parsed.text).toContain('Le PDF de chaque facture est joint à ce message.');
      expect(mail.files[0]!.size).toBeLessThanOrEqual(8 * MB);
      const inZip = await zipped(mail, app.dataDir);
      expect(inZip.toSorted()).toEqual(listed(mail).toSorted());
      seen.push(...inZip);
    }
    expect(seen.toSorted()).toEqual(numbers);
    // The later mails are threaded under the first, and the delivery says how the message was cut.
    expect(mails[1]!.parsed.inReplyTo).toBe(mails[0]!.parsed.messageId);
    expect(mails[2]!.parsed.inReplyTo).toBe(mails[0]!.parsed.messageId);
    const [delivery] = await app.deliveries.list({ customerId: customer.id, reason: 'push' });
    expect(delivery).toMatchObject({ status: 'sent', attempts: 1, messageId: mails[0]!.parsed.messageId, lastError: null });
    expect(delivery!.parts!.sent).toBe(3);
    expect(delivery!.parts!.invoices.map((part) => part.length)).toEqual(await Promise.all(mails.map(async (mail) => listed(mail).length)));

    expect(await app.push.run()).toMatchObject({ invoices: 0, attempted: 0 });
    expect(wholesalerMails()).toHaveLength(3);
  });

  it('refused for its size by the server (552, 25 MB, the default limit of 20 MB before encoding) goes again at once without its files, saying why and how to ask, and the delivery says so', async () => {
    const { app, customer } = await withNewInvoices({}, 25);
    expect(await app.push.run()).toMatchObject({ invoices: COUNT, sent: 1, failed: 0 });
    const mails = await peer!.waitFor(2);
    expect(mails.map((mail) => mail.parsed.subject)).toEqual(['700 nouvelles factures (1/2)', '700 nouvelles factures (2/2)']);
    const [refused, carried] = mails as [ReceivedMail, ReceivedMail];
    // The first mail's ZIP, about 20 MB, is over 25 MB once encoded: the server refused it, and it came again with the list alone.
    expect(refused.files).toEqual([]);
    expect(refused.parsed.text).toContain('Votre serveur de messagerie a refusé les fichiers de ce message : ils étaient trop lourds pour lui.');
    expect(refused.parsed.text).toMatch(/Pour recevoir le PDF, répondez simplement « facture 70\d{3} » à ce message\./);
    expect(refused.raw.length).toBeLessThan(MB);
    const inZip = await zipped(carried, app.dataDir);
    expect([...listed(refused), ...listed(carried)].toSorted()).toEqual(numbers);
    expect(inZip.toSorted()).toEqual(listed(carried).toSorted());
    const [delivery] = await app.deliveries.list({ customerId: customer.id, reason: 'push' });
    expect(delivery).toMatchObject({ status: 'sent', lastError: expect.stringMatching(/^552 .*: mail 1\/2 sent again without its files$/) });
  });

  it('cut off by a refusal after its first mail sends the rest when tried again, as they were cut, none twice', async () => {
    const { app, customer } = await withNewInvoices({ MAIL_SIZE_LIMIT_MB: '8' }, 25);
    peer!.refuseNext(1, 451, 'Try again later', 1);
    expect(await app.push.run()).toMatchObject({ invoices: COUNT, sent: 0, failed: 1 });
    let [delivery] = await app.deliveries.list({ customerId: customer.id, reason: 'push' });
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, parts: { sent: 1 } });
    expect(wholesalerMails()).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await app.push.run()).toMatchObject({ attempted: 1, sent: 1 });
    const mails = await peer!.waitFor(3);
    expect(mails.map((mail) => mail.parsed.subject)).toEqual(['700 nouvelles factures (1/3)', '700 nouvelles factures (2/3)', '700 nouvelles factures (3/3)']);
    expect(new Set(mails.map((mail) => mail.parsed.messageId)).size).toBe(3);
    expect(mails.flatMap(listed).toSorted()).toEqual(numbers);
    [delivery] = await app.deliveries.list({ customerId: customer.id, reason: 'push' });
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2, parts: { sent: 3 } });
    expect(delivery!.parts!.invoices.flat().toSorted()).toEqual(numbers);
  });

  it('with PUBLIC_URL, goes as one mail with a download link for the ZIP (300 invoices: a link names that many), every invoice listed', async () => {
    const { app, customer } = await withNewInvoices(
      { MAIL_SIZE_LIMIT_MB: '4', PUBLIC_URL: 'https://factures.hebergeur.example', FACTEUR_LINK_SECRET: SECRET },
      25,
      300,
    );
    expect(await app.push.run()).toMatchObject({ invoices: 300, sent: 1 });
    const [mail] = await peer!.waitFor(1);
    expect(mail!.parsed.subject).toBe('300 nouvelles factures');
    expect(mail!.files).toEqual([]);
    expect(listed(mail!)).toEqual(numbers.slice(0, 300));
    const text = mail!.parsed.text!;
    expect(text).toMatch(
      /factures-70000-70299\.zip \([\d,]+ Mo\) est trop lourd pour être envoyé ici : téléchargez-le avec ce lien, valable jusqu'au \d+ \S+ \d{4} :/,
    );
    const token = /https:\/\/factures\.hebergeur\.example\/d\/([A-Za-z0-9_.-]+)/.exec(text)![1]!;
    const read = new LinkSigner(SECRET).verify(token, new Date());
    expect(read.ok && read.claims).toMatchObject({ customerId: customer.id, invoices: numbers.slice(0, 300) });
    const [delivery] = await app.deliveries.list({ customerId: customer.id, reason: 'push' });
    expect(delivery).toMatchObject({ status: 'sent', links: [{ id: expect.any(String), invoices: numbers.slice(0, 300) }] });
  });

  it('past five mails of files, goes as one mail listing them all and how to ask for them by year', async () => {
    const { app } = await withNewInvoices({ MAIL_SIZE_LIMIT_MB: '3' }, 25);
    await app.push.run();
    const [mail] = await peer!.waitFor(1);
    expect(mail!.parsed.subject).toBe('700 nouvelles factures');
    expect(mail!.files).toEqual([]);
    expect(listed(mail!)).toEqual(numbers);
    expect(mail!.parsed.text).toContain(
      'Ces 700 factures sont trop nombreuses pour être jointes à un e-mail : demandez-les par année, en répondant par exemple « zip 2026 ».',
    );
    expect(wholesalerMails()).toHaveLength(1);
  });
});

describe('a reminder of 700 invoices', { timeout: 120_000 }, () => {
  it('goes as mails within the limit, the total and the statement in the first, every invoice in exactly one', async () => {
    const { app, customer } = await withNewInvoices({ MAIL_SIZE_LIMIT_MB: '8', REMINDERS_ENABLED: 'true', REMINDERS_STATEMENT: 'true' }, 25);
    // The reminder as the planner records one (when it is sent is the planner's, tested in reminders.test.ts).
    await app.deliveries.record([
      {
        customerId: customer.id,
        invoices: numbers,
        channel: 'email',
        recipient: WHOLESALER,
        reason: 'reminder',
        attachPdf: true,
        reminded: Object.fromEntries(numbers.map((number) => [number, 7])),
      },
    ]);
    await app.deliveries.runDue(1);
    const mails = await peer!.waitFor(3);
    expect(mails.map((mail) => mail.parsed.subject)).toEqual(
      [1, 2, 3].map((part) => expect.stringMatching(new RegExp(`^Rappel : 700 factures à régler \\(.+\\) \\(${part}/3\\)$`))),
    );
    expect(mails[0]!.files.map((file) => file.filename)).toEqual([expect.stringMatching(/^releve-\d{4}-\d{2}-\d{2}\.pdf$/), expect.stringMatching(/\.zip$/)]);
    expect(mails[0]!.parsed.text).toContain('Votre relevé de compte');
    for (const mail of mails) expect(mail.parsed.text).toMatch(/Total à régler : /);
    expect(mails.flatMap(listed).toSorted()).toEqual(numbers);
    const [delivery] = await app.deliveries.list({ customerId: customer.id, reason: 'reminder' });
    expect(delivery).toMatchObject({ status: 'sent', parts: { sent: 3 } });
  });
});
