/**
 * The running service over real HTTP, as the billing system, a support tool, a load balancer
 * and Prometheus reach it: `facteur start` in a process of its own, the SMTP peer taking what
 * it pushes, `facteur import` run beside it. Attackers' requests first in each part.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../src/http/auth.js';
import { readServiceFile } from '../src/http/service-file.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { freePort } from './peers/dovecot.js';
import { runFacteur, spawnFacteur, type Spawned } from './support/cli.js';

const KEY = 'k3y-for-the-billing-system-0123456789';
const SECRET = 'whsec-the-billing-systems-signing-secret';
const METRICS_KEY = 'metrics-key-for-prometheus-0123456789';

let smtp: SmtpPeer;
let service: Spawned;
let url: string;
let env: Record<string, string>;
const others: Spawned[] = [];

/** Starts `facteur start` and waits until its HTTP server listens; resolves with its address. */
async function serve(settings: Record<string, string>): Promise<{ spawned: Spawned; url: string }> {
  const spawned = spawnFacteur(['start'], settings);
  const line = await spawned.logged((l) => l.event === 'http.listening' || l.level === 60, 20_000);
  if (line.event !== 'http.listening') throw new Error(`facteur start did not listen: ${JSON.stringify(line)}`);
  return { spawned, url: String(line.url) };
}

beforeAll(async () => {
  smtp = await startSmtpPeer();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-http-'));
  env = {
    FACTEUR_DATA_DIR: dataDir,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_TLS: 'false',
    PUSH_CRON: '* * * * * *',
    FACTEUR_API_KEYS: `another-key-nobody-uses-000000000, ${KEY}`,
    FACTEUR_WEBHOOK_SECRET: SECRET,
    FACTEUR_METRICS_KEY: METRICS_KEY,
    HTTP_BODY_LIMIT_MB: '0.05',
  };
  ({ spawned: service, url } = await serve(env));
});

afterAll(async () => {
  for (const spawned of [service, ...others]) spawned?.child.kill('SIGTERM');
  await Promise.all([service, ...others].map((spawned) => spawned?.exited));
  await smtp?.close();
});

const invoice = (number: string, changes: Record<string, unknown> = {}) => ({
  number,
  customer: 'nouveau.client@example.cm',
  customerName: 'Nouveau Client SARL',
  issuedAt: '2026-11-20',
  dueAt: '2026-12-20',
  currency: 'XAF',
  lines: [{ label: 'Hébergement Pro (1 mois)', quantity: 1, unitPrice: 15_000 }],
  taxes: [{ label: 'TVA', rate: 19.25 }],
  status: 'unpaid',
  ...changes,
});

function api(pathname: string, init: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string>; raw?: string } = {}) {
  const headers: Record<string, string> = { ...(init.key === null ? {} : { authorization: `Bearer ${init.key ?? KEY}` }), ...init.headers };
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  return fetch(`${url}${pathname}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
}

describe('the intake API refuses', () => {
  it('a request without a key, with a wrong key, or with a key of another length, and says how to authenticate', async () => {
    for (const key of [null, 'wrong-key-of-the-same-sort-0123456789', 'x', `${KEY}x`]) {
      const response = await api('/api/v1/invoices', { body: invoice('7001'), key });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect((await response.json()).message).toMatch(/Authorization: Bearer|FACTEUR_API_KEYS/);
    }
    expect((await api('/api/v1/invoices/1210', { key: null })).status).toBe(401);
    expect((await api('/api/v1/deliveries', { key: 'nope' })).status).toBe(401);
    // Nothing was written by any of them.
    expect((await api('/api/v1/invoices/7001')).status).toBe(404);
  });

  it('before reading a body, so that a caller without a key cannot make it buffer one', async () => {
    // Headers announcing 50 MB, then a trickle: a refusal must come without the rest.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        `${url}/api/v1/imports?name=export.json`,
        { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': String(50 * 2 ** 20), 'facteur-signature': 't=1,v1=00' } },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk));
          response.on('end', () => {
            resolve({ status: response.statusCode!, body });
            request.destroy();
          });
        },
      );
      request.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
      request.write(Buffer.alloc(1024));
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).message).toMatch(/Bearer/);
    // Only JSON is an invoice: another type is refused, not read as one.
    expect((await api('/api/v1/invoices', { raw: 'number=1', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
  });

  it('a signature anywhere but on POST /invoices (it covers the body, not the method or path), or on a body over 1 MB', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cancel = JSON.stringify({ status: 'cancelled' });
    const patched = await api('/api/v1/invoices/1210', {
      method: 'PATCH',
      key: null,
      raw: cancel,
      headers: { 'facteur-signature': sign(SECRET, cancel, now) },
    });
    expect(patched.status).toBe(401);
    expect((await api('/api/v1/deliveries', { key: null, headers: { 'facteur-signature': sign(SECRET, '', now) } })).status).toBe(401);
    expect((await (await api('/api/v1/invoices/1210')).json()).invoice.status).not.toBe('cancelled');
    const big = JSON.stringify(Array.from({ length: 3000 }, (_, i) => invoice(String(90_000 + i))));
    expect((await api('/api/v1/invoices', { key: null, raw: big, headers: { 'facteur-signature': sign(SECRET, big, now) } })).status).toBe(413);
  });

  it('what no store can hold, invoice by invoice, keeping the rest of the batch: lone surrogates, deep nesting, control characters', async () => {
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const items = [
      invoice('7060'),
      invoice('7061', { lines: [{ label: 'H\ud800bergement', quantity: 1, unitPrice: 1 }] }),
      invoice('7062', { customerName: 'A\udc00' }),
    ];
    const response = await api('/api/v1/invoices', { raw: `[${items.map((item) => JSON.stringify(item)).join(',')},{"number":"7063","lines":${deep}}]` });
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report.invoices.map((i: { outcome: string }) => i.outcome)).toEqual(['created', 'rejected', 'rejected', 'rejected']);
    expect(report.invoices[3].reason.length).toBeLessThan(2000);
    expect((await api('/api/v1/invoices/7060')).status).toBe(200);
    expect((await api('/api/v1/invoices/a%00b')).status).toBe(404);
    expect((await api('/api/v1/invoices/a%00b', { method: 'PATCH', body: { status: 'paid' } })).status).toBe(404);
    expect((await api('/api/v1/deliveries?customer=a%00b')).status).toBe(400);
  });

  it('malformed JSON with the reason, a body over the limit with 413, and a body that is no invoice', async () => {
    const malformed = await api('/api/v1/invoices', { raw: '{"number": "7002",' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).message).toMatch(/not valid JSON/);
    const big = await api('/api/v1/invoices', { body: Array.from({ length: 400 }, (_, i) => invoice(String(80_000 + i))) });
    expect(big.status).toBe(413);
    for (const body of ['"text"', '42', '[]', 'null']) {
      const response = await api('/api/v1/invoices', { raw: body });
      expect(response.status).toBe(400);
    }
    expect((await api('/api/v1/invoices/80000')).status).toBe(404);
  });

  it('signatures that are stale, altered, replayed or made with another secret', async () => {
    const body = JSON.stringify(invoice('7003'));
    const now = Math.floor(Date.now() / 1000);
    const signed = (header: string, raw = body) => api('/api/v1/invoices', { key: null, raw, headers: { 'facteur-signature': header } });
    expect((await signed(sign(SECRET, body, now - 301))).status).toBe(401);
    expect((await signed(sign(SECRET, body, now), body.replace('15000', '1'))).status).toBe(401);
    expect((await signed(sign('another-secret-of-enough-length-0000', body, now))).status).toBe(401);
    expect((await signed(`t=${now}`)).status).toBe(401);
    const good = sign(SECRET, body, now);
    const first = await signed(good);
    expect(first.status).toBe(200);
    expect((await first.json()).invoices).toEqual([{ index: 0, number: '7003', outcome: 'created' }]);
    const replay = await signed(good);
    expect(replay.status).toBe(401);
    expect((await replay.json()).message).toMatch(/replay/);
  });
});

describe('signed webhooks, kept in the store', () => {
  /** POSTs `body` to `base` signed at `t` (unix seconds), or with the header given. */
  const post = (base: string, body: string, header: string) =>
    fetch(`${base}/api/v1/invoices`, { method: 'POST', headers: { 'content-type': 'application/json', 'facteur-signature': header }, body });

  it('are each taken once, a restart of the service included', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-http-signed-'));
    const settings = { FACTEUR_DATA_DIR: dataDir, FACTEUR_WEBHOOK_SECRET: SECRET, FACTEUR_API_KEYS: KEY };
    const first = await serve(settings);
    const body = JSON.stringify(invoice('7080'));
    const header = sign(SECRET, body, Math.floor(Date.now() / 1000));
    expect((await post(first.url, body, header)).status).toBe(200);
    first.spawned.child.kill('SIGTERM');
    await first.spawned.exited;
    const again = await serve(settings);
    others.push(again.spawned);
    const replay = await post(again.url, body, header);
    expect(replay.status).toBe(401);
    expect((await replay.json()).message).toMatch(/already received \(a replay\)/);
  });

  it('never let an older event undo a newer one: « unpaid » signed before « paid » but arriving after it leaves the invoice paid', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unpaid = JSON.stringify(invoice('7081'));
    const paid = JSON.stringify(invoice('7081', { status: 'paid', paidAt: '2026-11-25' }));
    expect((await (await post(url, unpaid, sign(SECRET, unpaid, now - 60))).json()).invoices).toEqual([{ index: 0, number: '7081', outcome: 'created' }]);
    expect((await (await post(url, paid, sign(SECRET, paid, now - 20))).json()).invoices).toEqual([{ index: 0, number: '7081', outcome: 'updated' }]);
    // The billing system's late retry of an event signed between the two: never seen, yet older than « paid ».
    const late = await post(url, unpaid, sign(SECRET, unpaid, now - 40));
    expect(late.status).toBe(200);
    const answer = await late.json();
    expect(answer).toMatchObject({ created: 0, updated: 0, unchanged: 0, outdated: 1, rejected: 0 });
    expect(answer.invoices).toEqual([{ index: 0, number: '7081', outcome: 'outdated', reason: expect.stringMatching(/signed later/) }]);
    expect((await (await api('/api/v1/invoices/7081')).json()).invoice).toMatchObject({ status: 'paid', paidAt: '2026-11-25' });
    // A newer one still applies.
    expect((await (await post(url, unpaid, sign(SECRET, unpaid, now))).json()).invoices).toEqual([{ index: 0, number: '7081', outcome: 'updated' }]);
    expect((await (await api('/api/v1/invoices/7081')).json()).invoice).toMatchObject({ status: 'unpaid' });
  });
});

describe('the intake API takes invoices', () => {
  it('as the import does: created, unchanged, updated, and rejected with the reason, one outcome per invoice', async () => {
    const first = await api('/api/v1/invoices', { body: invoice('7010') });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ created: 1, invoices: [{ index: 0, number: '7010', outcome: 'created' }] });
    const batch = await api('/api/v1/invoices', {
      body: [
        invoice('7010'),
        invoice('7011', { lines: [{ label: 'Nom de domaine .cm', quantity: 1, unitPrice: 15_000 }] }),
        invoice('7012', { currency: 'XYZ' }),
        invoice('1210', { customer: 'nouveau.client@example.cm' }),
        { hello: 'world' },
      ],
    });
    const report = await batch.json();
    expect(report).toMatchObject({ created: 1, updated: 0, unchanged: 1, rejected: 3 });
    expect(report.invoices.map((i: { outcome: string }) => i.outcome)).toEqual(['unchanged', 'created', 'rejected', 'rejected', 'rejected']);
    expect(report.invoices[2].reason).toMatch(/currency: unknown currency "XYZ"/);
    // Another customer's invoice is never moved to the sender's customer.
    expect(report.invoices[3].reason).toMatch(/already belongs to another customer/);
    const changed = await (await api('/api/v1/invoices', { body: invoice('7010', { dueAt: '2026-12-31' }) })).json();
    expect(changed.invoices).toEqual([{ index: 0, number: '7010', outcome: 'updated' }]);
    expect((await (await api('/api/v1/invoices/1210')).json()).customer.email).toBe('awa@example.cm');
  });

  it('announces what arrived by the next push, by mail to the new customer, and support sees the delivery', async () => {
    await api('/api/v1/invoices', { body: invoice('7020', { customer: 'annonce@example.cm' }) });
    const mail = await smtp.waitForMessage((m) => m.envelope.to.includes('annonce@example.cm'), 15_000);
    expect(mail.parsed.text).toMatch(/7020/);
    // The SMTP server has the mail a moment before the push records it sent.
    const sent = async () => (await (await api('/api/v1/deliveries?customer=annonce@example.cm&status=sent')).json()).deliveries;
    await expect
      .poll(sent, { timeout: 10_000 })
      .toEqual([expect.objectContaining({ reason: 'push', invoices: ['7020'], channel: 'email', recipient: 'annonce@example.cm', status: 'sent' })]);
    const shown = await (await api('/api/v1/invoices/7020')).json();
    expect(shown).toMatchObject({ invoice: { number: '7020', status: 'unpaid' }, customer: { email: 'annonce@example.cm' } });
    expect(shown.total).toBe(17_888);
    expect(shown.deliveries).toHaveLength(1);
    expect((await api('/api/v1/deliveries?status=lost')).status).toBe(400);
    expect((await api('/api/v1/deliveries?customer=nobody@example.cm')).status).toBe(404);
  });

  it('payments and cancellations by PATCH, refusing what the import would refuse', async () => {
    await api('/api/v1/invoices', { body: invoice('7030') });
    const patch = (number: string, body: unknown) => api(`/api/v1/invoices/${number}`, { method: 'PATCH', body });
    const paid = await patch('7030', { status: 'paid', paidAt: '2026-11-28' });
    expect(paid.status).toBe(200);
    expect((await paid.json()).invoice).toMatchObject({ status: 'paid', paidAt: '2026-11-28' });
    expect((await (await api('/api/v1/invoices/7030')).json()).invoice).toMatchObject({ status: 'paid', paidAt: '2026-11-28' });
    expect((await patch('7030', { status: 'paid', paidAt: '2026-11-01' })).status).toBe(422);
    expect((await patch('7030', { status: 'cancelled', paidAt: '2026-11-28' })).status).toBe(422);
    expect((await patch('7030', { status: 'refunded' })).status).toBe(400);
    expect((await patch('7030', { status: 'paid', paidAt: '2026-02-30' })).status).toBe(400);
    expect((await patch('9999999', { status: 'paid' })).status).toBe(404);
    const cancelled = await patch('7030', { status: 'cancelled' });
    expect((await cancelled.json()).invoice).toMatchObject({ status: 'cancelled', paidAt: null });
  });

  it('a pay link by POST and by PATCH, which sets it, changes it or takes it away; what the import refuses is refused with the reason', async () => {
    const PAY = 'https://paiement.hebergeur.example/p/7090';
    const posted = await (
      await api('/api/v1/invoices', { body: [invoice('7090', { payUrl: PAY }), invoice('7091', { payUrl: 'javascript:alert(1)' })] })
    ).json();
    expect(posted.invoices).toEqual([
      { index: 0, number: '7090', outcome: 'created' },
      { index: 1, number: '7091', outcome: 'rejected', reason: 'payUrl: is a javascript: address; a pay link must be https://' },
    ]);
    expect((await (await api('/api/v1/invoices/7090')).json()).invoice.payUrl).toBe(PAY);
    const patch = (body: unknown) => api('/api/v1/invoices/7090', { method: 'PATCH', body });
    for (const [payUrl, reason] of [
      ['http://paiement.hebergeur.example/p', 'payUrl: is a http: address'],
      ['https://hebergeur.example@evil.example/', 'payUrl: names a user before "@"'],
      ['https://xn--hbergeur-b1a.cm/p', 'payUrl: names an internationalised domain name'],
      [`https://paiement.hebergeur.example/${'x'.repeat(2000)}`, 'payUrl: is 2035 characters long, more than 2000'],
      [['https://a.example/'], 'payUrl: Invalid input: expected string'],
    ] as const) {
      const refused = await patch({ payUrl });
      expect(refused.status).toBe(400);
      expect((await refused.json()).message).toContain(reason);
    }
    expect(await (await patch({})).json()).toMatchObject({ statusCode: 400, message: expect.stringContaining('nothing to change') });
    expect((await patch({ paidAt: '2026-11-28' })).status).toBe(400);
    expect((await patch({ payUrl: PAY, note: 'x' })).status).toBe(400);
    expect((await (await api('/api/v1/invoices/7090')).json()).invoice.payUrl).toBe(PAY);

    const changed = await patch({ payUrl: 'HTTPS://Paiement.Hebergeur.Example/p/7090?v=2' });
    expect((await changed.json()).invoice).toMatchObject({ status: 'unpaid', payUrl: 'https://paiement.hebergeur.example/p/7090?v=2' });
    const paid = await patch({ status: 'paid', paidAt: '2026-11-28', payUrl: null });
    expect((await paid.json()).invoice).toMatchObject({ status: 'paid', paidAt: '2026-11-28' });
    const stored = (await (await api('/api/v1/invoices/7090')).json()).invoice;
    expect(stored).not.toHaveProperty('payUrl');
    expect((await patch({ payUrl: PAY })).status).toBe(200);
    expect((await (await api('/api/v1/invoices/7090')).json()).invoice).toMatchObject({ status: 'paid', payUrl: PAY });
    expect((await api('/api/v1/invoices/9999999', { method: 'PATCH', body: { payUrl: PAY } })).status).toBe(404);
    // The log names the link's host, never the rest of it (a checkout's token).
    await service.logged((line) => line.event === 'intake.change' && line.payLink === 'paiement.hebergeur.example');
    expect(JSON.stringify(service.logs)).not.toContain('/p/7090');
  });

  it('keeps numbers in one form: a look-alike of another customer’s number is that number, and a path finds it however written', async () => {
    const report = await (
      await api('/api/v1/invoices', { body: [invoice('１２１０'), invoice('١٢١٠'), invoice('𝟏𝟐𝟏𝟎'), invoice('inv-7060'), invoice('٧٠٦١')] })
    ).json();
    expect(report.invoices.slice(0, 3).map((i: { reason: string }) => i.reason)).toEqual(
      Array(3).fill(expect.stringMatching(/1210 already belongs to another customer/)),
    );
    expect(report.invoices.slice(3)).toEqual([
      { index: 3, number: 'INV-7060', outcome: 'created' },
      { index: 4, number: '7061', outcome: 'created' },
    ]);
    expect((await (await api('/api/v1/invoices/1210')).json()).customer.email).toBe('awa@example.cm');
    expect((await (await api(`/api/v1/invoices/${encodeURIComponent('ＩＮＶ－７０６０')}`)).json()).invoice.number).toBe('INV-7060');
    const paid = await api('/api/v1/invoices/inv-7060', { method: 'PATCH', body: { status: 'paid', paidAt: '2026-11-21' } });
    expect(await paid.json()).toMatchObject({ invoice: { number: 'INV-7060', status: 'paid' } });
    // The push announces it within a second or so; support asks for its deliveries as they write its number.
    const announced = async () =>
      ((await (await api('/api/v1/deliveries?invoice=inv-7060')).json()).deliveries as { invoices: string[] }[]).map((d) => d.invoices);
    await expect.poll(announced, { timeout: 10_000 }).toContainEqual(expect.arrayContaining(['INV-7060']));
    await api('/api/v1/invoices', { body: invoice('inv/2026/7062') });
    expect((await (await api(`/api/v1/invoices/${encodeURIComponent('inv/2026/7062')}`)).json()).invoice.number).toBe('INV/2026/7062');
  });
});

describe('facteur import while the service runs', () => {
  it('sends the file to the service and prints the same report; a bad file is refused in the same words', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'facteur-http-import-'));
    const file = path.join(folder, 'export.json');
    await writeFile(
      file,
      JSON.stringify([
        invoice('7040', { customer: 'importe@example.cm' }),
        invoice('7041', { customer: 'importe@example.cm' }),
        invoice('7042', { status: 'paid', paidAt: '2026-11-01' }),
      ]),
    );
    const imported = await runFacteur(['import', file], env);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/^2 created, 0 updated, 0 unchanged, 1 rejected/);
    expect(imported.stdout).toMatch(/index 2 \(invoice 7042\): paidAt: is before issuedAt/);
    expect(imported.code).toBe(0);
    await smtp.waitForMessage((m) => m.envelope.to.includes('importe@example.cm'), 15_000);

    const broken = path.join(folder, 'broken.json');
    await writeFile(broken, '[{"number": ');
    const refused = await runFacteur(['import', broken], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`facteur: ${broken}: is not valid JSON (Unexpected end of JSON input). Nothing was imported.\n`);
  });

  it('trusts no service file but one its own user wrote for this machine, so that a planted one cannot take an export elsewhere', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'facteur-http-planted-'));
    const file = path.join(folder, 'service.json');
    const write = async (service: object, mode = 0o600) => {
      await rm(file, { force: true });
      await writeFile(file, JSON.stringify(service), { mode });
      await chmod(file, mode);
    };
    const ours = { url: 'http://127.0.0.1:9', key: 'k', pid: process.pid };
    await write(ours);
    expect(await readServiceFile(folder)).toEqual(ours);
    await write(ours, 0o644);
    expect(await readServiceFile(folder)).toBeNull();
    await write({ ...ours, url: 'http://attacker.example:8080' });
    expect(await readServiceFile(folder)).toBeNull();
    await write({ ...ours, pid: 2 ** 22 + 1 });
    expect(await readServiceFile(folder)).toBeNull();
    await rm(file);
    await symlink(path.join(env.FACTEUR_DATA_DIR!, 'service.json'), file);
    expect(await readServiceFile(folder)).toBeNull();
  });

  it('stops start-up when the service file cannot be written, leaving no server behind', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-http-nofile-'));
    await mkdir(path.join(dataDir, 'service.json'));
    const spawned = spawnFacteur(['start'], { FACTEUR_DATA_DIR: dataDir });
    await spawned.exited;
    expect(spawned.child.exitCode).toBe(1);
    expect(spawned.logs.map((line) => String(line.msg)).join('\n')).toMatch(
      /service\.json: the service file could not be written \(EISDIR\)\. Remove or fix it/,
    );
  });

  it('the service file is the service user\u2019s alone', async () => {
    const { mode } = await stat(path.join(env.FACTEUR_DATA_DIR!, 'service.json'));
    expect(mode & 0o077).toBe(0);
    const file = JSON.parse(await readFile(path.join(env.FACTEUR_DATA_DIR!, 'service.json'), 'utf8'));
    expect(file.url).toBe(url);
  });
});

describe('behind a reverse proxy', () => {
  const refusedFrom = async (spawned: Spawned, base: string, forwarded: string) => {
    const before = spawned.logs.length;
    const response = await fetch(`${base}/api/v1/deliveries`, {
      headers: { authorization: 'Bearer wrong-key-of-the-same-sort-0123456789', 'x-forwarded-for': forwarded },
    });
    expect(response.status).toBe(401);
    return (await spawned.logged((line) => line.event === 'http.refused' && spawned.logs.indexOf(line) >= before)).ip;
  };

  it('logs the caller the named proxy forwards for, and ignores the header from anyone else', async () => {
    // Without HTTP_TRUST_PROXY a caller cannot choose the address its refusals are logged under.
    expect(await refusedFrom(service, url, '203.0.113.7')).toBe('127.0.0.1');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-http-proxy-'));
    const proxied = await serve({ FACTEUR_DATA_DIR: dataDir, FACTEUR_API_KEYS: KEY, HTTP_TRUST_PROXY: 'loopback' });
    others.push(proxied.spawned);
    expect(await refusedFrom(proxied.spawned, proxied.url, '203.0.113.7')).toBe('203.0.113.7');
  });

  it('refuses to trust every hop, saying what to write instead', async () => {
    const run = await runFacteur(['start'], { ...env, HTTP_TRUST_PROXY: 'true' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/HTTP_TRUST_PROXY.*name the proxy/s);
  });
});

describe('a new install, before any invoice', () => {
  it('runs for the billing system to feed it: no console to speak as, the API open, a clean stop', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-http-empty-'));
    const { spawned, url: emptyUrl } = await serve({ FACTEUR_DATA_DIR: dataDir, FACTEUR_DEMO: 'false', FACTEUR_API_KEYS: KEY });
    await spawned.logged((line) => line.event === 'console.off');
    const created = await fetch(`${emptyUrl}/api/v1/invoices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(invoice('7050')),
    });
    expect((await created.json()).created).toBe(1);
    spawned.child.kill('SIGTERM');
    await spawned.exited;
    expect(spawned.child.exitCode).toBe(0);
    expect(spawned.logs.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });
});

describe('health and metrics', () => {
  it('say the service is alive and ready, naming each part', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', parts: { store: { up: true }, smtp: { up: true } } });
  });

  it('count deliveries, pushes, store writes and the process, behind the metrics key', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(401);
    await smtp.waitForMessage((m) => m.envelope.to.includes('annonce@example.cm'), 15_000);
    const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_KEY}` } })).text();
    expect(Number(/^facteur_deliveries_total\{channel="email",reason="push",status="sent"\} (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^facteur_push_runs_total\{result="ran"\} (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^facteur_store_write_seconds_count\{operation="save"\} \d+/m);
    expect(text).toMatch(/^facteur_process_resident_memory_bytes \d+/m);
  });

  it('say which part is down when the SMTP server is, and the API says how to open it when no key is set', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-http-down-'));
    const { spawned, url: downUrl } = await serve({
      FACTEUR_DATA_DIR: dataDir,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(await freePort()),
      SMTP_TLS: 'false',
    });
    others.push(spawned);
    const ready = await fetch(`${downUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not ready', parts: { store: { up: true }, smtp: { up: false } } });
    const closed = await fetch(`${downUrl}/api/v1/invoices/1210`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(closed.status).toBe(401);
    const opened = await fetch(`${downUrl}/api/v1/invoices/1210`);
    expect((await opened.json()).message).toMatch(/FACTEUR_API_KEYS=/);
    // Metrics without a key configured are open, as Prometheus scrapes them on a private network.
    expect((await fetch(`${downUrl}/metrics`)).status).toBe(200);
  });
});
