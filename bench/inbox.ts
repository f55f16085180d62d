/**
 * Time from a customer's message landing in the billing mailbox (IMAP APPEND) to Facteur's
 * reply reaching the SMTP server, over real Dovecot and an smtp-server peer, one message at
 * a time, as the closing note asks. Prints the median and the 95th percentile.
 *
 *   npx tsx bench/inbox.ts [messages=60]
 *
 * Needs what the mail tests need: root and Dovecot 2.3 (see .ci/run). The requests cycle
 * through PDF, list, details and ZIP questions from the five demo customers; the reply limit
 * is raised so that the benchmark measures answering, not refusing.
 *
 * A second IMAP client IDLEs on the mailbox beside Facteur, to show how much of the time is
 * Dovecot's: it announces new mail to IDLE sessions only after a short delay of its own.
 */
import { ImapFlow } from 'imapflow';
import { appendMessage } from '../test/peers/dovecot.js';
import { letter, mailEnv, replyTo, startFacteur, startMailPeers } from '../test/support/mail.js';

const COUNT = Number(process.argv[2] ?? 60);
const REQUESTS: [from: string, subject: string][] = [
  ['awa@example.cm', 'facture 1210'],
  ['paul@example.cm', 'factures'],
  ['contact@ndjock-sarl.cm', 'détails 1211'],
  ['grace.eyenga@example.cm', 'zip 2020'],
  ['jp.fotso@example.cm', 'notifications'],
];

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
    const [from, subject] = REQUESTS[i % REQUESTS.length]!;
    const message = letter({ from, subject });
    observer.idle().catch(() => {});
    announced = 0;
    const appended = Date.now();
    await appendMessage(peers.dovecot, message.raw);
    const reply = await replyTo(peers.smtp, message.messageId, 30_000);
    total.push(reply.receivedAt - appended);
    if (announced) notice.push(announced - appended);
    await observer.noop(); // ends this IDLE; the next round starts a fresh one
  }
  process.stdout.write(`APPEND → reply at the SMTP peer, ${COUNT} messages one after another:\n`);
  process.stdout.write(`  ${summary(total)}\n`);
  process.stdout.write(`of which APPEND → Dovecot announcing it to an IDLE client:\n  ${summary(notice)}\n`);
} finally {
  await observer.logout();
  await facteur.stop();
  await peers.close();
}

function imapLogin() {
  const { host, port, user, password } = peers.dovecot;
  return { host, port, secure: false, auth: { user, pass: password } };
}

function summary(times: number[]): string {
  const sorted = times.toSorted((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  return `median ${ms(at(0.5))}, p95 ${ms(at(0.95))}, min ${ms(sorted[0]!)}, max ${ms(sorted.at(-1)!)} (${times.length} samples)`;
}
