import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../src/data-folder.js';
import { outbox } from './support/app.js';
import { runFacteur } from './support/cli.js';
import { attachedFiles } from './peers/smtp.js';
import { eventually, letter, startFacteur, type RunningFacteur } from './support/mail.js';
import { pdfText } from './support/read.js';

let facteur: RunningFacteur;
let mailDir: string;

beforeAll(async () => {
  facteur = await startFacteur({});
  mailDir = path.dirname(dataPaths(facteur.dataDir).inbox);
});

afterAll(async () => {
  await facteur?.stop();
  await rm(facteur.dataDir, { recursive: true, force: true });
});

/** Drops a message into the local inbox the way it should be done: written aside, then moved in whole. */
async function drop(name: string, raw: string): Promise<void> {
  const inbox = dataPaths(facteur.dataDir).inbox;
  await mkdir(inbox, { recursive: true });
  await writeFile(path.join(inbox, `.${name}.tmp`), raw);
  await rename(path.join(inbox, `.${name}.tmp`), path.join(inbox, name));
}

function filesIn(folder: string): Promise<string[]> {
  return readdir(path.join(mailDir, folder)).catch(() => []);
}

describe('local mode: the inbox folder with nothing configured', () => {
  it('answers an .eml dropped in data/mail/inbox/ with a threaded .eml in data/mail/outbox/, and files it in Processed', async () => {
    const asked = letter({ from: 'Awa Nkolo <awa@example.cm>', subject: 'facture 1210', body: 'Bonjour, la facture 1210 svp.' });
    await drop('demande.eml', asked.raw);

    const reply = await eventually('the reply in the outbox', async () => (await outbox(facteur.dataDir)).find((mail) => mail.inReplyTo === asked.messageId));
    expect(reply.to).toMatchObject({ value: [{ address: 'awa@example.cm' }] });
    expect(reply.subject).toBe('Re: facture 1210');
    expect(reply.headers.get('auto-submitted')).toBe('auto-replied');
    expect(attachedFiles(reply).map((a) => a.filename)).toEqual(['facture-1210.pdf']);
    expect(await pdfText(attachedFiles(reply)[0]!.content)).toContain('1210');
    await eventually('the message filed in Processed', async () => ((await filesIn('Processed')).includes('demande.eml') ? true : undefined));
    expect(await readdir(dataPaths(facteur.dataDir).inbox)).toEqual([]);
  });

  it('files an unreadable message in Failed, answers the next, and never overwrites an earlier message of the same name', async () => {
    await drop('cassé.eml', 'this is not a mail at all\r\n');
    const next = letter({ from: 'paul@example.cm', subject: 'factures' });
    await drop('demande.eml', next.raw);

    await eventually('the reply to the next message', async () => (await outbox(facteur.dataDir)).find((mail) => mail.inReplyTo === next.messageId));
    await eventually('the unreadable message in Failed', async () => ((await filesIn('Failed')).includes('cassé.eml') ? true : undefined));
    await eventually('both requests in Processed', async () => ((await filesIn('Processed')).length === 2 ? true : undefined));
    expect((await filesIn('Processed')).sort()).toEqual(['demande-2.eml', 'demande.eml']);
  });

  it('says why each message in Failed is there, with or without a record of it: "facteur inbox failed" leaves no reason blank', async () => {
    await drop('cassé-2.eml', 'still not a mail\r\n');
    await eventually('the unreadable message in Failed', async () => ((await filesIn('Failed')).includes('cassé-2.eml') ? true : undefined));
    // One an operator filed there by hand, never handled: no record of it.
    const byHand = letter({ from: 'grace.eyenga@example.cm', subject: 'facture 1207' });
    await writeFile(path.join(mailDir, 'Failed', 'à-la-main.eml'), byHand.raw);
    const listed = await runFacteur(['inbox', 'failed'], { FACTEUR_DATA_DIR: facteur.dataDir });
    expect(listed.code).toBe(0);
    const row = (name: string) => listed.stdout.split('\n').find((line) => line.includes(name)) ?? '';
    expect(row('cassé-2.eml')).toContain('unreadable mail');
    expect(row('à-la-main.eml')).toContain('no record of it: moved here by hand');
  });

  it('ignores files that are not whole messages yet', async () => {
    const inbox = dataPaths(facteur.dataDir).inbox;
    await writeFile(path.join(inbox, '.en-cours.eml'), 'From: awa@example.cm\r\n');
    const sentinel = letter({ from: 'paul@example.cm', subject: 'facture 1212' });
    await drop('sentinelle.eml', sentinel.raw);
    await eventually('the sentinel answered', async () => (await outbox(facteur.dataDir)).find((mail) => mail.inReplyTo === sentinel.messageId));
    expect(await readdir(inbox)).toEqual(['.en-cours.eml']);
  });

  it('answers "what do I owe" with the balance and the account statement attached', async () => {
    const asked = letter({ from: 'grace.eyenga@example.cm', subject: 'balance', body: 'Hello, what do I owe?' });
    await drop('balance.eml', asked.raw);
    const reply = await eventually('the reply in the outbox', async () => (await outbox(facteur.dataDir)).find((mail) => mail.inReplyTo === asked.messageId));
    expect(reply.text?.replace(/\u00a0/g, ' ')).toContain('You still have FCFA 175,894 to pay');
    expect(reply.text).toMatch(/Your account statement as of .+ is attached\./);
    expect(attachedFiles(reply).map((a) => [a.filename, a.contentType])).toEqual([
      [expect.stringMatching(/^statement-\d{4}-\d{2}-\d{2}\.pdf$/), 'application/pdf'],
    ]);
    const text = await pdfText(attachedFiles(reply)[0]!.content);
    expect(text).toMatch(/^1269 May 10, 2026 Jun 10, 2026 \d+ FCFA 175,894$/m);
    expect(text).toContain('Total due FCFA 175,894');
  });
});
