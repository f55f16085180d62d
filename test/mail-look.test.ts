/**
 * What a customer sees of Facteur's mails, looked at as a mail client shows them: an
 * announcement of new invoices and answers by mail (a list, an invoice's details) taken as
 * they arrive at the SMTP peer, parsed with mailparser, their HTML shown in headless
 * Chromium at a phone's width and a desktop's, the logo taken from the mail's own parts.
 * The customer and the invoice come from the billing system, so they may hold markup: here
 * they do, and must be shown as text.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../src/data-folder.js';
import { importInvoices } from '../src/import/import.js';
import { issuedPdf } from '../src/import/pdfs.js';
import { startSmtpPeer, type ReceivedMail, type SmtpPeer } from './peers/smtp.js';
import { showMail } from './support/look.js';
import { CHROMIUM } from './peers/programs.js';
import { letter, replyTo, startFacteur, type RunningFacteur } from './support/mail.js';

/** provider.json's primary colour, as a browser computes it. */
const PRIMARY = 'rgb(11, 110, 79)';
const PHONE = 375;
/** A row of the invoices' table, not one of the layout's tables around it. */
const INNER_ROW = 'tr:not(:has(table))';
const DESKTOP = 1000;
const HOSTILE_NAME = `<script>alert("name")</script> O'Brien & "Fils"`;
const HOSTILE_LABEL = `<img src=x onerror=alert(1)> Hébergement "Pro" <b>gras</b>`;

let smtp: SmtpPeer;
let facteur: RunningFacteur;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpPeer();
  facteur = await startFacteur({ SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_TLS: 'false' });
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

afterAll(async () => {
  await browser?.close();
  await facteur?.stop();
  await smtp?.close();
});

/** Drops a message into the local inbox whole, written aside then moved in, and waits for its answer. */
async function ask(from: string, body: string): Promise<ReceivedMail> {
  const asked = letter({ from, subject: body, body });
  const inbox = dataPaths(facteur.dataDir).inbox;
  await mkdir(inbox, { recursive: true });
  const name = `${Date.now()}-${Math.random().toString(36).slice(2)}.eml`;
  await writeFile(path.join(inbox, `.${name}`), asked.raw);
  await rename(path.join(inbox, `.${name}`), path.join(inbox, name));
  return replyTo(smtp, asked.messageId);
}

/** What a reader checks first on each screen: the logo shows, nothing is wider than the screen, the provider's colour is there. */
async function expectBranded(page: Page): Promise<void> {
  const logo = page.locator('img').first();
  await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  expect(await logo.isVisible()).toBe(true);
  expect(await page.getByText('Sanaga Hébergement SARL').first().isVisible()).toBe(true);
  const width = page.viewportSize()!.width;
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  const colours = await page.evaluate(() =>
    [...document.querySelectorAll('*')].flatMap((node) => {
      const style = getComputedStyle(node);
      return [style.color, style.backgroundColor, style.borderBottomColor, style.borderTopColor];
    }),
  );
  expect(colours).toContain(PRIMARY);
}

/** The table row holding `number`, as the reader sees it: visible, every cell inside the screen. */
async function expectRow(page: Page, number: string): Promise<void> {
  const row = page.locator(INNER_ROW, { has: page.locator('td', { hasText: new RegExp(`^${number}$`) }) });
  await expect.poll(() => row.count()).toBe(1);
  expect(await row.isVisible()).toBe(true);
  const box = (await row.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
}

describe('mails as a customer sees them', { timeout: 60_000 }, () => {
  let announcement: ReceivedMail;

  beforeAll(async () => {
    const file = path.join(facteur.dataDir, 'export.json');
    const invoice = (number: string, issuedAt: string) => ({
      number,
      customer: 'mallory@example.cm',
      customerName: HOSTILE_NAME,
      issuedAt,
      dueAt: '2026-12-20',
      currency: 'XAF',
      lines: [{ label: HOSTILE_LABEL, quantity: 1, unitPrice: 1_250_000 }],
      status: 'unpaid',
    });
    await writeFile(file, JSON.stringify([invoice('9100', '2026-11-20'), invoice('9101', '2026-11-21')]));
    expect((await importInvoices(facteur.app.store, file)).rejected).toEqual([]);
    await facteur.app.push.run();
    announcement = await smtp.waitForMessage((mail) => mail.envelope.to.includes('mallory@example.cm'));
  });

  it("announces new invoices in the provider's colours, with the logo and the table, on a phone and a desktop", async () => {
    expect(announcement.parsed.subject).toBe('2 nouvelles factures');
    // The logo is a PNG inside the mail, shown by cid: Gmail and Outlook show no SVG.
    const logo = announcement.parsed.attachments.find((part) => part.cid);
    expect(logo).toMatchObject({ contentType: 'image/png', related: true });
    expect(announcement.files.map((file) => file.filename)).toEqual(['facture-9100.pdf', 'facture-9101.pdf']);
    for (const width of [PHONE, DESKTOP]) {
      const page = await showMail(browser, announcement.parsed, width);
      await expectBranded(page);
      await expectRow(page, '9100');
      await expectRow(page, '9101');
      expect(await page.locator(INNER_ROW, { hasText: '9101' }).innerText()).toMatch(/9101\s+21 nov\. 2026\s+20 déc\. 2026\s+[\d\s]+FCFA/u);
      await page.context().close();
    }
  });

  it('says the same in its text part, the table in aligned columns', async () => {
    const text = announcement.parsed.text!;
    expect(text).toContain(`Bonjour ${HOSTILE_NAME},`);
    expect(text).toContain('2 nouvelles factures sont disponibles :');
    const rows = text.split('\n').filter((line) => /^(N°|----|91\d\d)/.test(line));
    expect(rows).toHaveLength(4);
    // The left-aligned columns start at the same place on every line, and the amounts end at the same place.
    const starts = (line: string) => [...line.matchAll(/(?<=^| {2})\S/g)].map((match) => match.index).slice(0, 3);
    expect(new Set(rows.map((row) => JSON.stringify(starts(row)))).size).toBe(1);
    expect(new Set(rows.map((row) => [...row].length)).size).toBe(1);
    expect(text).toContain('Le PDF de chaque facture est joint à ce message.');
    expect(text).toContain('Sanaga Hébergement SARL');
  });

  it('shows what the billing system wrote as text: a name or a label is never markup', async () => {
    expect(announcement.parsed.html).not.toContain('<script>');
    const page = await showMail(browser, announcement.parsed, DESKTOP);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('body').innerText()).toContain(`Bonjour ${HOSTILE_NAME},`);
    await page.context().close();

    const details = await ask('mallory@example.cm', 'détails 9100');
    expect(details.parsed.html).not.toMatch(/<img src=x|<b>gras/);
    const shown = await showMail(browser, details.parsed, PHONE);
    expect(await shown.locator('img').count()).toBe(1);
    expect(await shown.locator('b').count()).toBe(0);
    expect(await shown.locator('td:not(:has(table))', { hasText: 'onerror' }).innerText()).toBe(HOSTILE_LABEL);
    await expectBranded(shown);
    await shown.context().close();
  });

  it('answers a list with the table and, under it, the sentences to reply with, using the listed numbers', async () => {
    const list = await ask('Awa Nkolo <awa@example.cm>', 'mes factures svp');
    const text = list.parsed.text!;
    const numbers = text.split('\n').flatMap((line) => /^\S+ \S+\.? \d{4}\s+(\d{4})\s/u.exec(line)?.[1] ?? []);
    expect(numbers).toHaveLength(10);
    const [first, second, third] = numbers;
    expect(text).toContain('Pour aller plus loin, répondez à ce message :');
    expect(text).toContain(`• « facture ${first} » pour recevoir son PDF`);
    expect(text).toContain(`• « détails ${first} » pour voir ses lignes et son état`);
    expect(text).toContain(`• « zip ${first} ${second} ${third} » pour recevoir plusieurs factures en un seul fichier`);
    for (const width of [PHONE, DESKTOP]) {
      const page = await showMail(browser, list.parsed, width);
      await expectBranded(page);
      for (const number of numbers) await expectRow(page, number);
      expect(await page.getByText(`« zip ${first} ${second} ${third} »`, { exact: false }).isVisible()).toBe(true);
      await page.context().close();
    }
    // The sentence does what it says.
    const zip = await ask('Awa Nkolo <awa@example.cm>', `zip ${first} ${second} ${third}`);
    expect(zip.files.map((file) => file.filename)).toEqual([expect.stringMatching(/^factures-\d+-\d+\.zip$/)]);
  });

  it('words the sentences in English for an English list', async () => {
    const list = await ask('Awa Nkolo <awa@example.cm>', 'show me my invoices please');
    const text = list.parsed.text!;
    const [first] = text.split('\n').flatMap((line) => /^\S+ \d+, \d{4}\s+(\d{4})\s/.exec(line)?.[1] ?? []);
    expect(text).toContain('To go further, reply to this message:');
    expect(text).toContain(`• “invoice ${first}” to get its PDF`);
    expect(text).toContain(`• “details ${first}” to see its lines and status`);
    expect(text).toMatch(/• “zip \d{4} \d{4} \d{4}” to get several invoices in one file/);
  });
});

describe('pay links in mails, as a customer sees them', { timeout: 60_000 }, () => {
  const PAY = 'https://paiement.hebergeur.example/facture/9110?jeton=a1b2c3d4';
  let announcement: ReceivedMail;

  /** The pay button as a reader finds it: a link whose words are `label`, on screen, inside its width, leading to `url`. */
  async function expectPayButton(page: Page, label: string, url: string): Promise<void> {
    const button = page.getByRole('link', { name: label });
    await expect.poll(() => button.count()).toBe(1);
    expect(await button.isVisible()).toBe(true);
    expect(await button.getAttribute('href')).toBe(url);
    const box = (await button.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
    expect(await page.getByText('Page de paiement : paiement.hebergeur.example').isVisible()).toBe(true);
  }

  beforeAll(async () => {
    const file = path.join(facteur.dataDir, 'payable.json');
    const invoice = (number: string, changes: Record<string, unknown>) => ({
      number,
      customer: 'payeur@example.cm',
      customerName: 'Payeur SARL',
      issuedAt: '2026-11-20',
      dueAt: '2026-12-20',
      currency: 'XAF',
      lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 25_000 }],
      status: 'unpaid',
      ...changes,
    });
    await writeFile(
      file,
      JSON.stringify([
        invoice('9110', { payUrl: PAY }),
        invoice('9111', { status: 'paid', paidAt: '2026-11-21', payUrl: 'https://paiement.hebergeur.example/facture/9111' }),
      ]),
    );
    expect((await importInvoices(facteur.app.store, file)).rejected).toEqual([]);
    await facteur.app.push.run();
    announcement = await smtp.waitForMessage((mail) => mail.envelope.to.includes('payeur@example.cm'));
  });

  it('announce an unpaid invoice with a « Payer » button to its page and the page’s host under it, on a phone and a desktop; a paid one has none', async () => {
    for (const width of [PHONE, DESKTOP]) {
      const page = await showMail(browser, announcement.parsed, width);
      await expectBranded(page);
      await expectPayButton(page, 'Payer la facture 9110', PAY);
      expect(await page.getByRole('link', { name: /9111/ }).count()).toBe(0);
      await page.context().close();
    }
    expect(announcement.parsed.text).toContain(`Payer la facture 9110\n${PAY}`);
    expect(announcement.parsed.text).not.toContain('facture/9111');
  });

  it('answer about that invoice with the button, and send the billing system’s own PDF as it is, the link written nowhere in it', async () => {
    const details = await ask('payeur@example.cm', 'détails 9110');
    const page = await showMail(browser, details.parsed, PHONE);
    await expectPayButton(page, 'Payer la facture 9110', PAY);
    await page.context().close();

    const genuine = await readFile(path.join(import.meta.dirname, 'fixtures', 'billing-pdfs', '1266.pdf'));
    await facteur.app.store.save({ pdfs: [{ pdf: issuedPdf('9110', genuine, new Date().toISOString()), bytes: genuine }] });
    const answer = await ask('payeur@example.cm', 'facture 9110');
    expect(answer.files.map((file) => createHash('sha256').update(file.content).digest('hex'))).toEqual([createHash('sha256').update(genuine).digest('hex')]);
    const shown = await showMail(browser, answer.parsed, DESKTOP);
    await expectPayButton(shown, 'Payer la facture 9110', PAY);
    await shown.context().close();
  });
});
