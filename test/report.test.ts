import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport } from '../src/channels/email/report.js';

/**
 * Delivery reports as real servers write them (test/fixtures/reports/: Postfix's own, captured
 * from the test relay; Exim's delay warning, Gmail's, Outlook's and a Yahoo feedback report as
 * those servers lay them out), read into what Facteur acts on.
 */
const TOKEN = 'ahp3s6xq2kzq4d7uvwxyabcdefghijkmnpqrstuvwxy23';
const fixture = (name: string) => readFile(path.join(import.meta.dirname, 'fixtures', 'reports', name));

describe('reading delivery reports', () => {
  it.each([
    [
      'postfix-unknown-user.eml',
      {
        type: 'delivery-status',
        returnedMessageId: '<m1@billing.test>',
        feedbackType: null,
        recipients: [
          {
            address: 'nobody@billing.test',
            original: 'nobody@billing.test',
            action: 'failed',
            status: '5.1.1',
            diagnostic: 'unknown user: "nobody@billing.test"',
          },
        ],
      },
    ],
    [
      'exim-delayed.eml',
      {
        type: 'delivery-status',
        returnedMessageId: '<5b1e0c1e-9f7a-4f0e-8d7e-2f7f1f0b8e11@hebergeur.example>',
        recipients: [{ address: 'compta@exemple.cm', original: null, action: 'delayed', status: '4.2.2', diagnostic: '452 4.2.2 Mailbox full' }],
      },
    ],
    [
      'gmail-no-such-user.eml',
      {
        type: 'delivery-status',
        returnedMessageId: '<1f2e3d4c-0000-4000-8000-000000000001@hebergeur.example>',
        recipients: [
          {
            address: 'paul.mbarga@gmail.com',
            action: 'failed',
            status: '5.1.1',
            diagnostic: expect.stringMatching(/^550-5\.1\.1 The email account that you tried to reach does not exist\. .* - gsmtp$/),
          },
        ],
      },
    ],
    [
      'outlook-ndr.eml',
      {
        type: 'delivery-status',
        returnedMessageId: '<0b8f3a90-1111-4222-8333-944455556666@hebergeur.example>',
        recipients: [
          {
            address: 'jp.fotso@outlook.fr',
            original: 'jp.fotso@outlook.fr',
            action: 'failed',
            status: '5.5.0',
            diagnostic: expect.stringContaining('550 5.5.0 Requested action not taken: mailbox unavailable'),
          },
        ],
      },
    ],
    [
      'yahoo-arf-complaint.eml',
      {
        type: 'feedback',
        feedbackType: 'abuse',
        returnedMessageId: '<77aa55cc-2222-4333-8444-a1a2a3a4a5a6@hebergeur.example>',
        recipients: [expect.objectContaining({ address: 'grace.eyenga@yahoo.fr' })],
      },
    ],
  ])('%s: who, what the server said, and the token of the return path', async (name, expected) => {
    const report = await readReport(await fixture(name));
    expect(report).toMatchObject(expected);
    expect(report!.tokens).toEqual([TOKEN]);
  });

  it('is no report: an auto-reply sent to the return path, a plain mail', async () => {
    expect(await readReport(await fixture('vacation-reply.eml'))).toBeNull();
  });

  it('reads at most 50 recipients of a report listing thousands, each field cut short', async () => {
    const blocks = Array.from(
      { length: 20_000 },
      (_, i) => `Final-Recipient: rfc822; u${i}@example.cm\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; ${'x'.repeat(i === 0 ? 5000 : 10)}`,
    );
    const raw = `From: MAILER-DAEMON@mx.example\r\nTo: bounces+${TOKEN}@hebergeur.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n${blocks.join('\r\n\r\n')}\r\n--b--\r\n`;
    const report = await readReport(Buffer.from(raw));
    expect(report!.recipients).toHaveLength(50);
    expect(report!.recipients[0]!.diagnostic).toHaveLength(500);
  });
});
