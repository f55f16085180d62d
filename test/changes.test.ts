import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from '../src/assistant/assistant.js';
import type { Reply } from '../src/assistant/reply.js';
import { demoApp, outbox } from './support/app.js';

/**
 * Account changes as the assistant makes them, whoever the channel says is asking. Mail
 * from an address on record is `trust: 'address'`: it proves nothing by itself.
 */
let app: Awaited<ReturnType<typeof demoApp>>;

beforeAll(async () => {
  app = await demoApp();
});

afterAll(() => app.dispose());

function customer(email: string) {
  return app.store.customerByAddress(email)!;
}

function byMail(email: string, text: string, sender = email): Promise<Reply> {
  return ask(email, text, { trust: 'address', sender });
}

function ask(email: string, text: string, extra: Partial<Request> = { trust: 'owner' }): Promise<Reply> {
  return app.assistant.handle({ customerId: customer(email).id, text, conversation: 'test', trust: 'owner', ...extra });
}

/** The codes mailed to `address` so far, oldest first. */
async function codesTo(address: string): Promise<string[]> {
  return (await outbox(app.dataDir)).filter((mail) => mail.to && JSON.stringify(mail.to).includes(address)).flatMap((mail) => /\b(\d{6})\b/.exec(mail.subject ?? '')?.[1] ?? []);
}

/** The code that `action` mails to `address`. */
async function codeMailed(address: string, action: () => Promise<unknown>): Promise<string | undefined> {
  const before = await codesTo(address);
  await action();
  return (await codesTo(address)).find((code) => !before.includes(code));
}

function wrong(code: string | undefined): string {
  return code === '000000' ? '000001' : '000000';
}

describe('a change asked by mail', () => {
  it('asks the approval of every address on record, whatever address it came from', async () => {
    await ask('grace.eyenga@example.cm', 'notifications adresse accounts@eyenga.example');
    await ask('grace.eyenga@example.cm', `confirm ${(await codesTo('accounts@eyenga.example')).at(-1)}`, { trust: 'owner', sender: 'accounts@eyenga.example' });
    expect(customer('grace.eyenga@example.cm').notifications.address).toBe('accounts@eyenga.example');

    const asked = await byMail('grace.eyenga@example.cm', 'notifications attachments off', 'accounts@eyenga.example');
    expect(asked.text[0]).toContain('grace.eyenga@example.cm, accounts@eyenga.example');
    expect(await codesTo('grace.eyenga@example.cm')).toHaveLength(1);
    expect(customer('grace.eyenga@example.cm').notifications.attachPdf).toBe(true);

    const [code] = await codesTo('grace.eyenga@example.cm');
    const done = await byMail('grace.eyenga@example.cm', `confirm ${code}`);
    expect(done.text[0]).toContain('without a PDF attached');
    expect(customer('grace.eyenga@example.cm')).toMatchObject({ notifications: { attachPdf: false }, pending: [] });
  });

  it('makes nothing when it would change nothing, and asks no code for it', async () => {
    const before = (await outbox(app.dataDir)).length;
    const reply = await byMail('paul@example.cm', 'notifications pièces-jointes oui');
    expect(reply.outcome).toBe('answered');
    expect((await outbox(app.dataDir)).length).toBe(before);
    expect(customer('paul@example.cm').pending).toEqual([]);
  });

  it('keeps each kind of change apart: one code makes its own change only', async () => {
    const attachments = await codeMailed('paul@example.cm', () => byMail('paul@example.cm', 'notifications pièces-jointes non'));
    const address = await codeMailed('paul@example.cm', () => byMail('paul@example.cm', 'notifications adresse compta@mbarga.example'));
    expect(customer('paul@example.cm').pending.map((p) => p.change.kind).sort()).toEqual(['address', 'attachments']);
    await byMail('paul@example.cm', `confirmer ${attachments}`);
    expect(customer('paul@example.cm')).toMatchObject({ notifications: { attachPdf: false, address: 'paul@example.cm' } });
    expect(customer('paul@example.cm').pending.map((p) => p.change.kind)).toEqual(['address']);
    const approved = await byMail('paul@example.cm', `confirmer ${address}`);
    expect(approved.text[0]).toContain('compta@mbarga.example');
    expect(await codesTo('compta@mbarga.example')).toHaveLength(1);
  });

  it('drops a change after five wrong codes, and its right code then confirms nothing', async () => {
    await byMail('jp.fotso@example.cm', 'notifications pièces-jointes non');
    const [code] = await codesTo('jp.fotso@example.cm');
    const replies: Reply[] = [];
    for (let i = 0; i < 5; i++) replies.push(await byMail('jp.fotso@example.cm', `confirmer ${wrong(code)}`));
    expect(replies.map((reply) => reply.text[0])).toEqual([
      ...[4, 3, 2, 1].map((left) => `Ce code ne correspond pas. Il vous reste ${left} essai(s).`),
      expect.stringContaining('a expiré ou a été essayé trop de fois'),
    ]);
    const late = await byMail('jp.fotso@example.cm', `confirmer ${code}`);
    expect(late.text[0]).toContain("Aucune modification n'attend de code");
    expect(customer('jp.fotso@example.cm').notifications.attachPdf).toBe(true);
  });

  it('stops taking codes by mail for the day after ten wrong ones, while the owner’s chat still works', async () => {
    const code = await codeMailed('jp.fotso@example.cm', () => byMail('jp.fotso@example.cm', 'notifications pièces-jointes non'));
    for (let i = 0; i < 5; i++) await byMail('jp.fotso@example.cm', `confirmer ${wrong(code)}`);
    expect(customer('jp.fotso@example.cm').codeFailures).toHaveLength(10);
    const locked = await byMail('jp.fotso@example.cm', 'notifications pièces-jointes non');
    expect(locked.text[0]).toContain('suspendues pendant 24 heures');
    expect(customer('jp.fotso@example.cm').pending).toEqual([]);
    const fromChat = await ask('jp.fotso@example.cm', 'notifications pièces-jointes non');
    expect(fromChat.text[0]).toContain('arriveront sans PDF joint');
  });

  it('replaces an earlier request of the same kind: the first code no longer works', async () => {
    const ndjock = 'contact@ndjock-sarl.cm';
    const first = await codeMailed(ndjock, () => byMail(ndjock, 'notifications pièces-jointes non'));
    const second = await codeMailed(ndjock, () => byMail(ndjock, 'notifications pièces-jointes non'));
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    const stale = await byMail(ndjock, `confirmer ${first}`);
    expect(stale.outcome).toBe('refused');
    expect(customer(ndjock).notifications.attachPdf).toBe(true);
    await byMail(ndjock, `confirmer ${second}`);
    expect(customer(ndjock).notifications.attachPdf).toBe(false);
  });
});
