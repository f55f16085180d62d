import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, letter, startFacteur, type RunningFacteur } from './support/mail.js';
import { inboundRecords } from './support/read.js';
import { attachedFiles } from './peers/smtp.js';

/**
 * A data folder on a disk of its own that fills up: a small tmpfs, mounted for the test
 * (the suite runs as root, as CI does). Nothing may be lost, nothing closed as answered.
 */
const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'facteur.js');
const run = promisify(execFile);

let base: string;
let disk: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'facteur-disk-'));
  disk = path.join(base, 'disk');
  await mkdir(disk);
  await run('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', disk]).catch((error: Error) => {
    throw new Error(`this test mounts a small tmpfs to fill it, which needs root (as CI runs): ${error.message}`);
  });
});

afterAll(async () => {
  await run('umount', [disk]).catch(() => {});
  await rm(base, { recursive: true, force: true });
});

/** Fills the disk until only `free` bytes are left; resolves with a function that empties it again. */
async function fillLeaving(free: number): Promise<() => Promise<void>> {
  const { bavail, bsize } = await statfs(disk);
  const ballast = path.join(disk, `ballast-${Date.now()}`);
  await writeFile(ballast, Buffer.alloc(Math.max(0, bavail * bsize - free)));
  return () => rm(ballast, { force: true });
}

describe('a full disk', () => {
  let facteur: RunningFacteur;

  afterAll(async () => {
    await facteur?.stop();
  });

  it('leaves a request for later instead of answering it with an apology, and answers once there is room', async () => {
    const dataDir = path.join(disk, 'mail');
    facteur = await startFacteur({}, { dataDir });
    const inbox = path.join(dataDir, 'mail', 'inbox');
    await eventually('the local inbox watched', () => facteur.logs.find((line) => line.msg === 'mail: watching the local inbox folder'));
    // Room for the message's record, none for the invoice's PDF (about 30 KB).
    const empty = await fillLeaving(12 * 1024);
    const asked = letter({ from: 'awa@example.cm', subject: 'facture 1214' });
    try {
      await writeFile(path.join(inbox, 'request.eml'), asked.raw);
      await eventually('the request left for later', () => facteur.logs.find((line) => String(line.msg).includes('the machine cannot answer now')));
      expect(await readdir(inbox)).toContain('request.eml');
      expect(await readdir(path.join(dataDir, 'mail', 'outbox')).catch((): string[] => [])).toEqual([]);
      const record = (await inboundRecords(dataDir)).find((m) => m.messageId === asked.messageId);
      // Not the message's fault: the attempt is not counted against it.
      expect(record).toMatchObject({ status: 'claimed', sent: 0, attempts: 0 });
    } finally {
      await empty();
    }
    const processed = path.join(dataDir, 'mail', 'Processed');
    await eventually('the request answered and filed', async () => ((await readdir(processed).catch((): string[] => [])).includes('request.eml') ? true : undefined), 30_000);
    const [reply] = await Promise.all((await readdir(path.join(dataDir, 'mail', 'outbox'))).map(async (name) => simpleParser(await readFile(path.join(dataDir, 'mail', 'outbox', name)))));
    expect(attachedFiles(reply!).map((file) => file.filename)).toEqual(['facture-1214.pdf']);
    expect(reply!.text).not.toContain('Un problème nous empêche de répondre');
  });

  it('stops an import with one clear line, leaving the store as it was and no temp file behind', async () => {
    const dataDir = path.join(disk, 'import');
    await mkdir(dataDir, { recursive: true });
    const rows = (count: number, from: number) =>
      Array.from({ length: count }, (_, i) => ({
        number: `F-${from + i}`,
        customer: `client${(from + i) % 50}@example.cm`,
        issuedAt: '2024-01-17',
        dueAt: '2024-02-17',
        currency: 'XAF',
        lines: [{ label: 'Hébergement Pro (4 mois)', quantity: 1, unitPrice: 60000 }],
        status: 'unpaid',
      }));
    const small = path.join(base, 'small.json');
    const large = path.join(base, 'large.json');
    await writeFile(small, JSON.stringify(rows(5, 0)));
    await writeFile(large, JSON.stringify(rows(3000, 100)));
    const env = { ...process.env, FACTEUR_DATA_DIR: dataDir, LOG_LEVEL: 'silent', FACTEUR_DEMO: 'false' };
    await run(process.execPath, [BIN, 'import', small], { env });
    const before = await readFile(path.join(dataDir, 'db.json'), 'utf8');

    const empty = await fillLeaving(64 * 1024);
    try {
      const failed = await run(process.execPath, [BIN, 'import', large], { env }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr.trim().split('\n')).toHaveLength(1);
      expect(failed.stderr).toMatch(/db\.json: could not be written \(ENOSPC\)/);
      expect(failed.stderr).not.toMatch(/at .*\.ts:\d+/);
      expect((await readdir(dataDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
      expect(await readFile(path.join(dataDir, 'db.json'), 'utf8')).toBe(before);
    } finally {
      await empty();
    }
  });
});
