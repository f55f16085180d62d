import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type { SmtpSettings } from '../config.js';
import type { DkimKey } from './dkim.js';
import type { MailLayout } from './layout.js';
import type { Mailer, OutboundMail, SentMail } from './mail.js';
import type { Verp } from './verp.js';

/** How mail leaves beyond its words: signed with DKIM, and with which envelope sender. */
export interface Sending {
  /** DKIM signing of every mail (DKIM_DOMAIN); null: unsigned, the relay may sign. */
  dkim: DkimKey | null;
  /** MAIL_RETURN_PATH, bare: the envelope sender of mail that is no delivery; null: MAIL_FROM's. */
  returnPath: string | null;
  /** Signs each delivery's per-recipient return path; null without MAIL_RETURN_PATH. */
  verp: Verp | null;
}

const UNSIGNED: Sending = { dkim: null, returnPath: null, verp: null };

/**
 * Mail through nodemailer. Facteur sets the Message-ID itself, on the domain of
 * MAIL_FROM, because nodemailer would otherwise fall back to `@localhost` and the
 * threads it starts would not be recognised when customers reply. nodemailer is loaded and
 * the transport made with the first message, so that a command that sends none loads neither;
 * so is the mail layout, by the first letter.
 */
class NodemailerMailer implements Mailer {
  private readonly domain: string;
  private transport: Promise<Transporter> | undefined;

  constructor(
    private readonly createTransport: (mail: typeof nodemailer) => Transporter,
    private readonly from: string,
    private readonly layout: MailLayout,
    /** What `verify` asks: the SMTP server's greeting and login, or that the outbox folder can be made. */
    private readonly check: (transport: Transporter) => Promise<unknown>,
    private readonly sending: Sending,
    private readonly afterSend: (raw: Buffer | undefined, messageId: string) => Promise<void> = async () => {},
  ) {
    this.domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'facteur.invalid';
  }

  newMessageId(): string {
    return `<${randomUUID()}@${this.domain}>`;
  }

  async send(mail: OutboundMail): Promise<SentMail> {
    const messageId = mail.messageId ?? this.newMessageId();
    // Laid out before any file is opened: a layout that fails (a template being edited) leaves no stream open.
    const body = 'letter' in mail ? await this.layout.render(mail.letter) : { text: mail.text, images: [] };
    // Files are streams, read once: each transaction (one per recipient, with VERP) opens its own.
    const message = async (): Promise<SendMailOptions> => ({
      from: this.from,
      to: mail.to,
      ...(mail.cc ? { cc: mail.cc } : {}),
      subject: mail.subject,
      text: body.text,
      // base64 rather than nodemailer's quoted-printable for a letter's parts: its HTML, full of `=`, is where a push spent most of each mail (measured: ~2.5 ms quoted-printable, ~1.3 ms base64, for a fifth more bytes).
      ...('html' in body ? { html: body.html, textEncoding: 'base64' as const } : {}),
      messageId,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      ...(mail.references ? { references: mail.references } : {}),
      headers: mail.headers ?? {},
      // An image with a cid goes inline, in a multipart/related beside the HTML part (nodemailer's mail-composer).
      attachments: [
        ...body.images,
        ...(await Promise.all((mail.attachments ?? []).map(async (a) => ({ filename: a.filename, contentType: a.contentType, content: await a.open() })))),
      ],
    });
    const transport = await this.transportOf();
    const { verp, returnPath } = this.sending;
    if (verp && mail.deliveryId)
      return { ...(await this.sendEach(transport, message, recipientsOf(mail), (to) => verp.envelopeSender(mail.deliveryId!, to))), messageId };
    const envelope = returnPath || mail.deliverTo ? { envelope: { from: returnPath ?? addressOf(this.from), to: recipientsOf(mail) } } : {};
    const info = await transport.sendMail({ ...(await message()), ...envelope });
    await this.afterSend(Buffer.isBuffer(info.message) ? info.message : undefined, messageId);
    return { messageId };
  }

  /**
   * One transaction per recipient, each with its own envelope sender (VERP), the message the
   * same. The first recipient's refusal is the mail's (retried, or failed); the others' are
   * reported, their copies lost, as one transaction's refused recipients would be.
   */
  private async sendEach(
    transport: Transporter,
    message: () => Promise<SendMailOptions>,
    recipients: string[],
    senderFor: (to: string) => string,
  ): Promise<Omit<SentMail, 'messageId'>> {
    const refused: string[] = [];
    for (const [index, to] of recipients.entries()) {
      try {
        await transport.sendMail({ ...(await message()), envelope: { from: senderFor(to), to: [to] } });
      } catch (error) {
        if (index === 0) throw error;
        refused.push(to);
      }
    }
    return { verp: true, ...(refused.length > 0 ? { refused } : {}) };
  }

  async verify(): Promise<void> {
    await this.check(await this.transportOf());
  }

  private transportOf(): Promise<Transporter> {
    this.transport ??= import('nodemailer').then((loaded) => this.createTransport(loaded.default));
    return this.transport;
  }

  async close(): Promise<void> {
    (await this.transport)?.close();
  }
}

/** Who a mail is delivered to: its `deliverTo`, else every address of To and Cc. */
function recipientsOf(mail: OutboundMail): string[] {
  return (
    mail.deliverTo ?? [
      ...mail.to
        .split(',')
        .map((address) => address.trim())
        .filter(Boolean),
      ...(mail.cc ?? []),
    ]
  );
}

/** The address in `Name <address>`, or the text itself. */
function addressOf(from: string): string {
  return /<([^<>\s]+)>/.exec(from)?.[1] ?? from.trim();
}

/** nodemailer's DKIM options for the key, on every transport. */
function dkimOptions(dkim: DkimKey | null): { dkim?: { domainName: string; keySelector: string; privateKey: string } } {
  return dkim ? { dkim: { domainName: dkim.domain, keySelector: dkim.selector, privateKey: dkim.privateKey } } : {};
}

/**
 * Local mode: each message is written as a real `.eml` file (CRLF line ends, as on
 * the wire) in `dir`, through a temp file and a rename so a reader never sees half a message.
 * A file has no envelope: there is no return path to write, only the DKIM signature.
 */
export function outboxMailer(from: string, dir: string, layout: MailLayout, dkim: DkimKey | null = null): Mailer {
  const folder = () => mkdir(dir, { recursive: true });
  const transport = (mail: typeof nodemailer) => mail.createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...dkimOptions(dkim) });
  return new NodemailerMailer(transport, from, layout, folder, { ...UNSIGNED, dkim }, async (raw, messageId) => {
    await mkdir(dir, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${messageId.slice(1, 9)}.eml`;
    const temp = path.join(dir, `.${name}.tmp`);
    await writeFile(temp, raw ?? Buffer.alloc(0));
    await rename(temp, path.join(dir, name));
  });
}

/**
 * Production: SMTP through a pool of a few kept-open connections, so that a burst of
 * replies does not pay a TLS handshake and a login for each message. A send resolves once
 * the server has accepted the message, and rejects with the server's `responseCode` when it
 * refuses it (4xx: try again later, 5xx: give up).
 */
export function smtpMailer(from: string, smtp: SmtpSettings, layout: MailLayout, sending: Sending = UNSIGNED): Mailer {
  const transport = (mail: typeof nodemailer) =>
    mail.createTransport({
      pool: true,
      maxConnections: smtp.maxConnections,
      ...(smtp.ratePerSecond ? { rateDelta: 1000, rateLimit: smtp.ratePerSecond } : {}),
      host: smtp.host,
      port: smtp.port,
      secure: smtp.tls,
      ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.password } } : {}),
      ...dkimOptions(sending.dkim),
    });
  return new NodemailerMailer(transport, from, layout, (made) => made.verify(), sending);
}
