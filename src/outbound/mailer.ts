import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { SmtpSettings } from '../config.js';
import type { MailLayout } from './layout.js';
import type { Mailer, OutboundMail, SentMail } from './mail.js';

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
    const files = await Promise.all(
      (mail.attachments ?? []).map(async (a) => ({ filename: a.filename, contentType: a.contentType, content: await a.open() })),
    );
    // An image with a cid goes inline, in a multipart/related beside the HTML part (nodemailer's mail-composer).
    const attachments = [...body.images, ...files];
    const info = await (await this.transportOf()).sendMail({
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
      attachments,
    });
    await this.afterSend(Buffer.isBuffer(info.message) ? info.message : undefined, messageId);
    return { messageId };
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

/**
 * Local mode: each message is written as a real `.eml` file (CRLF line ends, as on
 * the wire) in `dir`, through a temp file and a rename so a reader never sees half a message.
 */
export function outboxMailer(from: string, dir: string, layout: MailLayout): Mailer {
  const folder = () => mkdir(dir, { recursive: true });
  return new NodemailerMailer((mail) => mail.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }), from, layout, folder, async (raw, messageId) => {
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
export function smtpMailer(from: string, smtp: SmtpSettings, layout: MailLayout): Mailer {
  const transport = (mail: typeof nodemailer) => mail.createTransport({
    pool: true,
    maxConnections: smtp.maxConnections,
    ...(smtp.ratePerSecond ? { rateDelta: 1000, rateLimit: smtp.ratePerSecond } : {}),
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls,
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.password } } : {}),
  });
  return new NodemailerMailer(transport, from, layout, (made) => made.verify());
}
