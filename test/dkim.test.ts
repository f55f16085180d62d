import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resend } from '../src/notifications/resend.js';
import { startPostfix, type Postfix } from './peers/postfix.js';
import { startSmtpPeer, type ReceivedMail, type SmtpPeer } from './peers/smtp.js';
import { asking, demoApp } from './support/app.js';
import { runFacteur, spawnFacteur } from './support/cli.js';

/**
 * Every mail Facteur sends is DKIM-signed with the operator's key, and the signature verifies at
 * the receiving end — after a real relay (Postfix) has carried it — with mailauth, given the
 * record `facteur dkim record` prints as DNS would serve it. A mail altered on the way does not verify.
 */
let dir: string;
let keyFile: string;
let sink: SmtpPeer;
let postfix: Postfix;
let app: Awaited<ReturnType<typeof demoApp>>;
let record: { name: string; value: string };

const dkimEnv = () => ({
  MAIL_FROM: 'Facturation <facturation@billing.test>',
  DKIM_DOMAIN: 'billing.test',
  DKIM_SELECTOR: 'facteur2026',
  DKIM_PRIVATE_KEY_FILE: keyFile,
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'facteur-dkim-'));
  keyFile = path.join(dir, 'dkim.pem');
  await writeFile(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  sink = await startSmtpPeer();
  postfix = await startPostfix({ sinkPort: sink.port });
  app = await demoApp({
    ...dkimEnv(),
    SMTP_HOST: postfix.host,
    SMTP_PORT: String(postfix.port),
    SMTP_TLS: 'false',
    MAIL_RETURN_PATH: 'bounces@billing.test',
    FACTEUR_STAFF_EMAILS: 'support@hebergeur.example',
  });
  const printed = await runFacteur(['dkim', 'record'], { ...dkimEnv(), FACTEUR_DATA_DIR: dir });
  expect(printed.code).toBe(0);
  record = { name: /^name:\s+(\S+)$/m.exec(printed.stdout)![1]!, value: /^value:\s+(.+)$/m.exec(printed.stdout)![1]! };
});

afterAll(async () => {
  await app?.dispose();
  await postfix?.destroy();
  await sink?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What a receiver finds: the signature's result, with DNS answering only the published record. */
async function verified(raw: Buffer | string): Promise<string[]> {
  const resolver = async (name: string, type: string) => {
    if (type === 'TXT' && name === record.name) return [[record.value]];
    throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
  };
  const result = await dkimVerify(Buffer.isBuffer(raw) ? raw : Buffer.from(raw), { resolver });
  return result.results.map((r) => `${r.signingDomain} ${r.status.result}`);
}

describe('DKIM', () => {
  it('prints the record to publish: the selector, the domain and the public key', () => {
    expect(record.name).toBe('facteur2026._domainkey.billing.test');
    expect(record.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
  });

  it('signs every kind of mail, each copy of one, and each verifies after the relay', async () => {
    const { ask } = asking(() => app);
    await ask('awa@example.cm', 'notifications adresse compta@nkolo.example');
    const paul = (await app.store.customerByAddress('paul@example.cm'))!;
    await app.store.updateCustomer(paul.id, (c) => ({
      ...c,
      contacts: [{ address: 'compta@mbarga.example', mayAsk: false, addedAt: new Date().toISOString() }],
    }));
    const [unpaid] = await app.store.invoices(paul.id, { status: 'unpaid' });
    const resent = await resend(app.store, app.deliveries, app.log, { number: unpaid!.number, channels: ['email'], requestedBy: 'test' });
    expect(resent.ok).toBe(true);
    if (resent.ok) await app.deliveries.attemptAll(resent.deliveries, 1);
    await ask('paul@example.cm', `j'ai déjà payé la facture ${unpaid!.number}`);
    const code = await sink.waitForMessage((m) => m.envelope.to.includes('compta@nkolo.example'), 15_000);
    const invoice = await sink.waitForMessage((m) => m.envelope.to.includes('paul@example.cm') && m.files.length > 0, 15_000);
    // The contact's copy left in a transaction of its own (its own return path), signed as well.
    const copy = await sink.waitForMessage((m) => m.envelope.to.includes('compta@mbarga.example'), 15_000);
    const staff = await sink.waitForMessage((m) => m.envelope.to.includes('support@hebergeur.example'), 15_000);
    expect(copy.parsed.messageId).toBe(invoice.parsed.messageId);
    expect(copy.envelope.from).not.toBe(invoice.envelope.from);
    for (const mail of [code, invoice, copy, staff]) {
      expect(mail.raw.toString()).toMatch(/^DKIM-Signature: .*d=billing\.test/m);
      expect(await verified(mail.raw)).toEqual(['billing.test pass']);
    }
    for (const mail of sink.messages) expect(await verified(mail.raw)).toEqual(['billing.test pass']);
  });

  it('does not verify a mail altered on the way: its subject, its amount, an attachment', async () => {
    const mail: ReceivedMail = await sink.waitForMessage((m) => m.files.length > 0, 15_000);
    const raw = mail.raw.toString('latin1');
    const subject = raw.replace(/^Subject: .*$/m, 'Subject: Facture 1210 - nouvelles coordonnees bancaires');
    const body = raw.replace(/(\r\n\r\n[A-Za-z0-9+/]{20})[A-Za-z0-9+/]/, (_all, kept: string) => `${kept}${kept.endsWith('A') ? 'B' : 'A'}`);
    expect(subject).not.toBe(raw);
    expect(body).not.toBe(raw);
    for (const altered of [subject, body]) expect((await verified(Buffer.from(altered, 'latin1')))[0]).not.toMatch(/pass$/);
  });

  it('says at start-up which key signs, and stops on a key it cannot use, naming the file', async () => {
    const started = spawnFacteur(['start'], {
      ...dkimEnv(),
      FACTEUR_DATA_DIR: dir,
      HTTP_PORT: '0',
      SMTP_HOST: postfix.host,
      SMTP_PORT: String(postfix.port),
      SMTP_TLS: 'false',
    });
    try {
      expect(await started.logged((line) => line.event === 'dkim')).toMatchObject({
        selector: 'facteur2026',
        domain: 'billing.test',
        bits: 2048,
        record: 'facteur2026._domainkey.billing.test',
      });
    } finally {
      started.child.kill('SIGTERM');
      await started.exited;
    }
    const bad = path.join(dir, 'not-a-key.pem');
    await writeFile(bad, '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    for (const args of [['start'], ['dkim', 'record']]) {
      const run = await runFacteur(args, { ...dkimEnv(), DKIM_PRIVATE_KEY_FILE: bad, FACTEUR_DATA_DIR: dir, HTTP_ENABLED: 'false' });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`DKIM: ${bad}: not a private key`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = await runFacteur(['start'], {
      ...dkimEnv(),
      DKIM_PRIVATE_KEY_FILE: path.join(dir, 'gone.pem'),
      FACTEUR_DATA_DIR: dir,
      HTTP_ENABLED: 'false',
    });
    expect(missing.stderr).toContain('gone.pem: the key file cannot be read (ENOENT)');
    const small = path.join(dir, 'small.pem');
    await writeFile(small, generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect((await runFacteur(['dkim', 'record'], { ...dkimEnv(), DKIM_PRIVATE_KEY_FILE: small, FACTEUR_DATA_DIR: dir })).stderr).toContain(
      'an RSA key of 512 bits',
    );
  });
});
