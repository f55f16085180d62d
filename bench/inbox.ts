/**
 * The billing inbox's round trip over real Dovecot and an smtp-server peer: the time from
 * a customer's message landing in the mailbox (IMAP APPEND) to Facteur's reply reaching
 * the SMTP server. First one message at a time (median and 95th percentile), then all of
 * them appended at once (messages answered per second). 60 messages by default, 200 with
 * `--full`.
 *
 *   npx tsx bench/inbox.ts [--full]
 *
 * Needs what the mail tests need: root and Dovecot 2.3 (see .ci/run). The requests cycle
 * through PDF, list, details and ZIP questions from the five demo customers; the reply
 * limit is raised so that the benchmark measures answering, not refusing.
 *
 * The baseline, in the same run, is Dovecot's own share: a second IMAP client IDLEs on the
 * mailbox beside Facteur, and Dovecot announces new mail to IDLE sessions only after a
 * short delay of its own, which no client can shorten.
 */
import { ImapFlow } from 'imapflow';
import { appendMessage } from '../test/peers/dovecot.js';
import { letter, mailEnv, replyTo, startFacteur, startMailPeers } from '../test/support/mail.js';
import { heading, median, ms, percentile, report, sized } from './support/measure.js';

const COUNT = sized(60, 200);
const REQUESTS: [from: string, subject: string][] = [
  ['awa@example.cm', 'facture 1210'],
  ['paul@example.cm', 'factures'],
  ['contact@ndjock-sarl.cm', 'détails 1211'],
  ['grace.eyenga@example.cm', 'zip 2020'],
  ['jp.fotso@example.cm', 'notifications'],
];
const request = (i: number) => {
  const [from, subject] = REQUESTS[i % REQUESTS.length]!;
  return letter({ from, subject });
};

heading('Inbox round trip', `${COUNT} requests appended over IMAP, answered through SMTP`);
const peers = await startMailPeers();
const facteur = await startFacteur({ ...mailEnv(peers), MAIL_REPLIES_PER_HOUR: '100000' });
const observer = new ImapFlow({ ...imapLogin(), logger: false, disableAutoIdle: true });
await observer.connect();
await observer.mailboxOpen('INBOX');
let announced = 0;
observer.on('exists', () => (announced ||= Date.now()));
try {
  const total: number[] = [];
  const notice: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    const message = request(i);
    observer.idle().catch(() => {});
    announced = 0;
    const appended = Date.now();
    await appendMessage(peers.dovecot, message.raw);
    const reply = await replyTo(peers.smtp, message.messageId, 30_000);
    total.push(reply.receivedAt - appended);
    if (announced) notice.push(announced - appended);
    await observer.noop(); // ends this IDLE; the next round starts a fresh one
  }

  const burst = Array.from({ length: COUNT }, (_, i) => request(COUNT + i));
  const started = Date.now();
  // One connection appends them all, back to back: Dovecot allows a user ten connections.
  for (const message of burst) await observer.append('INBOX', message.raw);
  const replies = await Promise.all(burst.map((message) => replyTo(peers.smtp, message.messageId, 120_000)));
  const seconds = (Math.max(...replies.map((reply) => reply.receivedAt)) - started) / 1000;

  report([
    { label: 'one at a time: APPEND → reply, median', value: ms(median(total)), target: '< 1,000 ms', met: median(total) < 1000 },
    { label: 'one at a time: APPEND → reply, p95', value: ms(percentile(total, 95)), target: '< 2,000 ms', met: percentile(total, 95) < 2000 },
    { label: 'baseline: APPEND → Dovecot\u2019s IDLE notice, median', value: ms(median(notice)) },
    { label: 'Facteur\u2019s own share, median', value: ms(median(total) - median(notice)) },
    { label: `all ${COUNT} at once: answered per second`, value: `${(COUNT / seconds).toFixed(1)}/s` },
    { label: `all ${COUNT} at once: last reply after`, value: `${seconds.toFixed(1)} s` },
  ]);
} finally {
  await observer.logout();
  await facteur.stop();
  await peers.close();
}

function imapLogin() {
  const { host, port, user, password } = peers.dovecot;
  return { host, port, secure: false, auth: { user, pass: password } };
}
