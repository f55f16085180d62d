/**
 * Download links end to end, as a customer and an attacker meet them: `facteur start` in a
 * process of its own with PUBLIC_URL pointing at it and a mail limit a customer's ZIP goes
 * over; a request dropped in the local inbox; the answer taken from the SMTP peer; the
 * link opened in headless Chromium (Debian's), the button clicked and the ZIP read back
 * from the bytes it downloaded. Then altered, expired, re-pointed and garbage tokens.
 */
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../src/data-folder.js';
import { LinkSigner } from '../src/download-links/token.js';
import { freePort } from './peers/dovecot.js';
import { CHROMIUM } from './peers/programs.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { runFacteur, spawnFacteur, type Spawned } from './support/cli.js';
import { letter, replyTo } from './support/mail.js';
import { pdfText, readZip } from './support/read.js';
import { DAY_MS } from '../src/time.js';

const SECRET = 'the-link-secret-these-tests-share-0123';
const KEY = 'k3y-for-support-looking-at-deliveries-01';
const SIZE_LIMIT_MB = 0.2;

let smtp: SmtpPeer;
let service: Spawned;
let dataDir: string;
let publicUrl: string;
let browser: Browser;
/** The link Awa's answer carried, and what the delivery log says of it. */
let link: string;
let token: string;
/** The last day the mail said the link works. */
let offeredUntil: string;
let delivery: { customerId: string; invoices: string[]; links: { id: string; expiresAt: string; invoices: string[] }[] };

beforeAll(async () => {
  smtp = await startSmtpPeer();
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-links-'));
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  service = spawnFacteur(['start'], {
    FACTEUR_DATA_DIR: dataDir,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_TLS: 'false',
    MAIL_SIZE_LIMIT_MB: String(SIZE_LIMIT_MB),
    HTTP_PORT: String(port),
    PUBLIC_URL: publicUrl,
    FACTEUR_LINK_SECRET: SECRET,
    FACTEUR_API_KEYS: KEY,
    // Every line, the request log's too, so that the last test can say none holds a token.
    LOG_LEVEL: 'debug',
  });
  const line = await service.logged((l) => l.event === 'http.listening' || l.level === 60);
  if (line.event !== 'http.listening') throw new Error(`facteur start did not listen: ${JSON.stringify(line)}`);
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

afterAll(async () => {
  await browser?.close();
  service?.child.kill('SIGTERM');
  await service?.exited;
  await smtp?.close();
});

/** Drops a message into the local inbox whole: written aside, then moved in. */
async function drop(raw: string): Promise<void> {
  const inbox = dataPaths(dataDir).inbox;
  await mkdir(inbox, { recursive: true });
  const name = `${Date.now()}.eml`;
  await writeFile(path.join(inbox, `.${name}`), raw);
  await rename(path.join(inbox, `.${name}`), path.join(inbox, name));
}

/** A browser tab whose Accept-Language is `locale`'s, with every address it asked for kept. */
async function tab(locale: string): Promise<{ page: Page; requested: string[] }> {
  const context = await browser.newContext({ locale, acceptDownloads: true });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  return { page, requested };
}

/** The token with its payload replaced by `change(payload)` and its signature kept, as a forger would try. */
function rewritten(change: (payload: { c: string; i: string[]; e: number }) => unknown): string {
  const [payload, mac] = token.split('.');
  const claims = JSON.parse(inflateRawSync(Buffer.from(payload!, 'base64url')).toString('utf8')) as { c: string; i: string[]; e: number };
  return `${deflateRawSync(Buffer.from(JSON.stringify(change(claims)))).toString('base64url')}.${mac}`;
}

/** What a refusal page must be: the status, its words, the provider's name, and nothing of the server's insides. */
async function expectRefusal(page: Page, url: string, status: number, words: RegExp[]): Promise<void> {
  const response = await page.goto(url);
  expect(response!.status()).toBe(status);
  expect(response!.headers()['content-type']).toMatch(/^text\/html/);
  const text = await page.locator('body').innerText();
  for (const word of words) expect(text).toMatch(word);
  expect(text).toContain('Sanaga Hébergement SARL');
  expect(await page.content()).not.toMatch(/\bat \S+ \(|node_modules|Error:|stack|statusCode/);
}

describe('a ZIP over the mail limit, with PUBLIC_URL', { timeout: 60_000 }, () => {
  it('goes as a download link in one answer, recorded in the delivery log by its id, never its token', async () => {
    const asked = letter({ from: 'Awa Nkolo <awa@example.cm>', subject: 'zip tout', body: 'Bonjour, toutes mes factures en zip svp.' });
    await drop(asked.raw);
    const reply = await replyTo(smtp, asked.messageId);
    // The server has the mail before the service records it sent: the log says when it has.
    await service.logged((line) => line.msg === 'mail: answered');
    expect(smtp.messages.filter((mail) => mail.parsed.inReplyTo === asked.messageId)).toHaveLength(1);
    expect(reply.parsed.subject).toBe('Re: zip tout');
    expect(reply.files).toEqual([]);
    const text = reply.parsed.text ?? '';
    expect(text).toMatch(
      /factures-\d+-\d+\.zip \([\d,]+ Mo\) est trop lourd pour être envoyé ici : téléchargez-le avec ce lien, valable jusqu'au \d+ \S+ \d{4} :/,
    );
    link = new RegExp(`${publicUrl}/d/[A-Za-z0-9_.-]+`).exec(text)![0];
    token = link.slice(`${publicUrl}/d/`.length);
    // The HTML part links to what it shows.
    const html = reply.parsed.html as string;
    expect(html.slice(html.indexOf(`<a href="${link}"`))).toMatch(new RegExp(`^<a href="${link}"[^>]*>${link}</a>`));

    const listed = (await (await fetch(`${publicUrl}/api/v1/deliveries?customer=awa@example.cm`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as {
      deliveries: (typeof delivery & { status: string; attachPdf: boolean })[];
    };
    const [record] = listed.deliveries;
    expect(listed.deliveries).toHaveLength(1);
    expect(record).toMatchObject({ status: 'sent', channel: 'email', reason: 'request', attachPdf: false });
    delivery = record!;
    expect(delivery.invoices).toHaveLength(24);
    expect(delivery.links).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{12}$/), expiresAt: expect.any(String), invoices: delivery.invoices }]);
    // LINK_DAYS, then to the end of that day in the provider's time zone (Douala, UTC+1): the day the mail names.
    const days = (Date.parse(delivery.links[0]!.expiresAt) - Date.now()) / DAY_MS;
    expect(days).toBeGreaterThan(7);
    expect(days).toBeLessThanOrEqual(8);
    expect(new Date(delivery.links[0]!.expiresAt).toISOString()).toMatch(/T23:00:00\.000Z$/);
    offeredUntil = /valable jusqu'au (\d+ \S+ \d{4})/.exec(text)![1]!;
    expect(JSON.stringify(listed)).not.toContain(token.split('.')[1]);
  });

  it('shows in `facteur deliveries` by its id and last day, never its token', async () => {
    const run = await runFacteur(['deliveries', '--customer', 'awa@example.cm'], { FACTEUR_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    const [link] = delivery.links;
    expect(run.stdout).toContain(`${link!.id} until ${link!.expiresAt.slice(0, 10)}`);
    expect(run.stdout).not.toContain(token.split('.')[1]);
  });

  it('opens a page in the provider’s colours that says what it gives, and its button downloads the ZIP of the right PDFs', async () => {
    const { page, requested } = await tab('fr-FR');
    const response = await page.goto(link);
    expect(response!.status()).toBe(200);
    expect(await page.title()).toBe('Vos factures 2019–2026 · Sanaga Hébergement SARL');
    expect(await page.locator('h1').innerText()).toBe('Vos factures 2019–2026');
    expect(await page.locator('.summary').innerText()).toMatch(/^24 fichiers, [\d,]+ Mo$/);
    expect(await page.locator('body').innerText()).toContain(`Ce lien est valable jusqu'au ${offeredUntil}.`);
    const button = page.getByRole('link', { name: 'Télécharger' });
    expect(await button.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(11, 110, 79)');
    expect(await page.locator('header').evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(11, 110, 79)');
    expect(response!.headers()['referrer-policy']).toBe('no-referrer');
    expect(response!.headers()['content-security-policy']).toContain("default-src 'none'");

    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toMatch(/^factures-\d+-\d+\.zip$/);
    const entries = await readZip((await download.path())!);
    expect(entries.map((entry) => entry.name).sort()).toEqual(delivery.invoices.map((number) => `facture-${number}.pdf`).sort());
    for (const entry of [entries[0]!, entries.at(-1)!]) {
      const text = await pdfText(entry.bytes);
      expect(text).toContain('Awa Nkolo');
      expect(text).toContain(entry.name.slice('facture-'.length, -'.pdf'.length));
    }
    // Self-contained: the page and the ZIP, nothing from anywhere else.
    expect(requested.filter((url) => !url.startsWith(`${publicUrl}/d/${token}`))).toEqual([]);
    await page.context().close();
  });

  it('answers the ZIP itself with its type and an attachment name', async () => {
    const response = await fetch(`${link}/zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="factures-\d+-\d+\.zip"; filename\*=UTF-8''factures-\d+-\d+\.zip$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(SIZE_LIMIT_MB * 1024 * 1024);
  });

  it('answers HEAD as it answers GET, without the body: the ZIP’s headers (no ZIP written), the page’s, and a refusal’s status', async () => {
    const zip = await fetch(`${link}/zip`, { method: 'HEAD' });
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.headers.get('content-disposition')).toMatch(/^attachment; filename="factures-\d+-\d+\.zip"/);
    expect(zip.headers.get('cache-control')).toBe('no-store');
    expect(await zip.text()).toBe('');
    const page = await fetch(link, { method: 'HEAD' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toBe('');
    const expired = new LinkSigner(SECRET).sign({ customerId: delivery.customerId, invoices: delivery.invoices, expiresAt: new Date(Date.now() - 60_000) })!;
    expect((await fetch(`${publicUrl}/d/${expired}/zip`, { method: 'HEAD' })).status).toBe(410);
    expect((await fetch(`${publicUrl}/d/x${token}/zip`, { method: 'HEAD' })).status).toBe(404);
    // Only the GETs were downloads.
    expect(service.logs.filter((line) => line.event === 'download')).toHaveLength(2);
  });

  it('speaks English to an English browser, and the customer’s own words otherwise', async () => {
    const { page } = await tab('en-GB');
    await page.goto(link);
    expect(await page.locator('h1').innerText()).toBe('Your invoices 2019–2026');
    expect(await page.getByRole('link', { name: 'Download' }).count()).toBe(1);
    await page.context().close();
    const german = await tab('de-DE');
    await german.page.goto(link);
    expect(await german.page.locator('h1').innerText()).toBe('Vos factures 2019–2026');
    await german.page.context().close();
  });
});

describe('a link refused', { timeout: 60_000 }, () => {
  it('altered anywhere gets a clear page, 404, in the browser’s language, and for the ZIP too', async () => {
    const { page } = await tab('fr-FR');
    const middle = Math.floor(token.length / 3);
    const altered = `${token.slice(0, middle)}${token[middle] === 'x' ? 'y' : 'x'}${token.slice(middle + 1)}`;
    await expectRefusal(page, `${publicUrl}/d/${altered}`, 404, [/Lien non valable/, /n'est pas valable/]);
    await expectRefusal(page, `${publicUrl}/d/${altered}/zip`, 404, [/Lien non valable/]);
    await expectRefusal(page, `${publicUrl}/d/${token.slice(0, -1)}`, 404, [/Lien non valable/]);
    await page.context().close();
    const english = await tab('en-US');
    await expectRefusal(english.page, `${publicUrl}/d/${altered}`, 404, [/Invalid link/, /is not valid/]);
    await english.page.context().close();
  });

  it('garbage, cut or padded past any token, gets the same page, in both languages to a browser asking for neither', async () => {
    const { page } = await tab('de-DE');
    for (const garbage of ['x', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', `${token}.${token}`, 'a'.repeat(5000), `${token}/zip/more`, '']) {
      await expectRefusal(page, `${publicUrl}/d/${garbage}`, 404, [/Lien non valable/, /Invalid link/]);
    }
    expect(await page.content()).not.toContain('<script>');
    await page.context().close();
  });

  it('past its expiry gets a page saying so, 410, and a later expiry written into it is a forgery', async () => {
    const expired = new LinkSigner(SECRET).sign({ customerId: delivery.customerId, invoices: delivery.invoices, expiresAt: new Date(Date.now() - 60_000) })!;
    const { page } = await tab('fr-FR');
    await expectRefusal(page, `${publicUrl}/d/${expired}`, 410, [/Lien expiré/, /a expiré/]);
    await expectRefusal(page, `${publicUrl}/d/${expired}/zip`, 410, [/Lien expiré/]);
    const extended = rewritten((claims) => ({ ...claims, e: claims.e + 365 * 86_400 }));
    await expectRefusal(page, `${publicUrl}/d/${extended}`, 404, [/Lien non valable/]);
    await page.context().close();
  });

  it('cannot be made to name another customer’s invoices: rewritten it is forged, and even signed with our secret the server refuses it', async () => {
    // Paul's invoice: the one the API names with his address.
    const paulInvoice = '1212';
    const shown = (await (await fetch(`${publicUrl}/api/v1/invoices/${paulInvoice}`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as {
      customer: { email: string };
    };
    expect(shown.customer.email).toBe('paul@example.cm');
    const { page } = await tab('fr-FR');
    await expectRefusal(page, `${publicUrl}/d/${rewritten((claims) => ({ ...claims, i: [...claims.i, paulInvoice] }))}`, 404, [/Lien non valable/]);
    // What a link made for Awa would name if one of its invoices had moved to Paul since (the import refuses to move one, so it is made here).
    const signed = new LinkSigner(SECRET).sign({
      customerId: delivery.customerId,
      invoices: [delivery.invoices[0]!, paulInvoice],
      expiresAt: new Date(Date.now() + DAY_MS),
    })!;
    await expectRefusal(page, `${publicUrl}/d/${signed}`, 404, [/Lien non valable/]);
    await expectRefusal(page, `${publicUrl}/d/${signed}/zip`, 404, [/Lien non valable/]);
    await page.context().close();
    const refusals = service.logs.filter((line) => line.event === 'download.refused');
    expect(refusals.map((line) => line.why)).toEqual(
      expect.arrayContaining(['forged', 'malformed', 'expired', 'an invoice it names is not the customer\u2019s']),
    );
  });

  it('and no log line holds a token, whole or its signature', async () => {
    const logged = JSON.stringify(service.logs);
    expect(service.logs.filter((line) => line.event === 'http' && String(line.route).startsWith('/d')).map((line) => line.route)).toEqual(
      expect.arrayContaining(['/d/:token', '/d/:token/zip']),
    );
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(token.split('.')[1]);
    expect(service.logs.filter((line) => line.event === 'download.link')).toEqual([expect.objectContaining({ link: delivery.links[0]!.id, invoices: 24 })]);
    expect(service.logs.some((line) => line.level === 50 || line.level === 60)).toBe(false);
  });
});
