import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { z } from 'zod';
import { readOffsets } from './billing/reminders.js';
import { VERP_TOKEN_LENGTH } from './outbound/verp.js';
import { ActionableError } from './faults.js';
import { SECOND_MS } from './time.js';

/** The folder Facteur is installed in, so that `npx facteur` finds its templates from anywhere. */
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const port = z.coerce.number().int().min(1).max(65535);
/** A Discord id (a snowflake): digits only. */
const snowflake = z.string().regex(/^\d{5,25}$/, 'expected a Discord id (digits only)');
/** API keys and secrets are long enough that guessing them is not a way in. */
const MIN_SECRET = 24;
const snowflakes = z.string().regex(/^[\d,\s]*$/, 'expected Discord ids (digits) separated by commas');

const schema = z
  .object({
    FACTEUR_DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected postgres://user:password@host:port/database' }).optional(),
    FACTEUR_TEMPLATES_DIR: z.string().min(1).default(path.join(PACKAGE_DIR, 'templates')),
    FACTEUR_DEMO: flag.optional(),
    FACTEUR_DEMO_UNTIL: z.iso.date('expected a YYYY-MM-DD date').optional(),
    FACTEUR_CONSOLE_AS: z.email().default('awa@example.cm'),
    FACTEUR_PAGE_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    FACTEUR_IMPORT_MAX_MB: z.coerce.number().positive().default(100),
    FACTEUR_PDF_MAX_MB: z.coerce.number().positive().max(100).default(10),
    FACTEUR_PDF_READ_SECONDS: z.coerce.number().positive().max(300).default(10),
    PDF_SOURCE: z.enum(['any', 'billing']).default('any'),
    MAIL_FROM: z.string().min(3).default('Facteur <facturation@facteur.example>'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    IMAP_HOST: z.string().min(1).optional(),
    IMAP_PORT: port.optional(),
    IMAP_USER: z.string().min(1).optional(),
    IMAP_PASSWORD: z.string().min(1).optional(),
    IMAP_TLS: flag.default(true),
    IMAP_MAILBOX: z.string().min(1).default('INBOX'),
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: port.optional(),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    SMTP_TLS: flag.default(true),
    MAIL_PROCESSED_FOLDER: z.string().min(1).default('Processed'),
    MAIL_FAILED_FOLDER: z.string().min(1).default('Failed'),
    MAIL_SIZE_LIMIT_MB: z.coerce.number().positive().default(20),
    MAIL_REPLIES_PER_HOUR: z.coerce.number().int().min(1).default(10),
    MAIL_DMARC_AUTHSERV_ID: z.string().min(1).optional(),
    MAIL_STRANGER_REPLIES_PER_HOUR: z.coerce.number().int().min(0).default(10),
    MAIL_STAFF_MAX_RESENDS: z.coerce.number().int().min(1).default(10),
    MAIL_RETURN_PATH: z.email('expected the bounce address, e.g. bounces@hebergeur.example').optional(),
    MAIL_BOUNCE_FOLDER: z.string().min(1).optional(),
    MAIL_SOFT_BOUNCES: z.coerce.number().int().min(1).max(100).default(3),
    DKIM_DOMAIN: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'expected the signing domain, e.g. hebergeur.example')
      .optional(),
    DKIM_SELECTOR: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9._-]{0,62})$/i, 'expected a selector such as facteur2026 (letters, digits, . _ -)')
      .optional(),
    DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    DKIM_PRIVATE_KEY: z.string().min(1).optional(),
    PUSH_CRON: z
      .string()
      .refine((expression) => cron.validate(expression), 'not a cron expression')
      .default('*/5 * * * *'),
    PUSH_TIMEZONE: z.string().refine(isTimeZone, 'not a time zone such as Africa/Douala').default('Africa/Douala'),
    FISCAL_YEAR_START: z
      .string()
      .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected a month and day, MM-DD, such as 07-01')
      .default('01-01'),
    DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
    DELIVERY_RETRY_SECONDS: z.coerce.number().positive().default(60),
    SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(50).default(3),
    SMTP_RATE_PER_SECOND: z.coerce.number().positive().optional(),
    FACTEUR_STAFF_EMAILS: z.string().default(''),
    DISCORD_TOKEN: z.string().min(1).optional(),
    DISCORD_APP_ID: snowflake.optional(),
    DISCORD_GUILD_ID: snowflake.optional(),
    DISCORD_STAFF_ROLE_IDS: snowflakes.default(''),
    DISCORD_STAFF_USER_IDS: snowflakes.default(''),
    DISCORD_STAFF_CHANNEL_ID: snowflake.optional(),
    DISCORD_API_URL: z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
    REMINDERS_ENABLED: flag.default(true),
    REMINDER_DAYS: z
      .string()
      .refine((text) => readOffsets(text) !== null, 'expected whole days from the due date, separated by commas (e.g. -3,1,7,15)')
      .default('-3,1,7,15'),
    REMINDERS_AT: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day such as 09:00')
      .default('09:00'),
    REMINDERS_OPT_OUT: flag.default(true),
    REMINDER_CLAIM_DAYS: z.coerce.number().int().min(0).max(365).default(14),
    REMINDERS_STATEMENT: flag.default(false),
    HTTP_ENABLED: flag.default(true),
    HTTP_HOST: z.string().min(1).default('127.0.0.1'),
    /** 0 takes a free port, which the service file in the data folder then names. */
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HTTP_BODY_LIMIT_MB: z.coerce.number().positive().default(10),
    // Addresses, CIDR ranges or proxy-addr's names (`loopback`); never "trust every hop", which lets any caller choose its address.
    HTTP_TRUST_PROXY: z
      .string()
      .default('')
      .refine(
        (list) => !/^\s*(true|\*|all)\s*$/i.test(list),
        'name the proxy (an address, a CIDR range, or loopback): trusting every hop lets any caller write its own address',
      ),
    FACTEUR_API_KEYS: z
      .string()
      .default('')
      .refine(
        (keys) => commaList(keys).every((key) => key.length >= MIN_SECRET),
        `each key must be at least ${MIN_SECRET} characters (e.g. openssl rand -hex 24), separated by commas`,
      ),
    FACTEUR_WEBHOOK_SECRET: z.string().min(MIN_SECRET, `must be at least ${MIN_SECRET} characters`).optional(),
    FACTEUR_METRICS_KEY: z.string().min(MIN_SECRET, `must be at least ${MIN_SECRET} characters`).optional(),
    PUBLIC_URL: z
      .url({ protocol: /^https?$/, error: 'expected the HTTP server\u2019s public address, e.g. https://factures.hebergeur.example' })
      .refine((url) => !/[?#]/.test(url), 'links are made by adding /d/<token> to it: no ? or # in it')
      .optional(),
    LINK_DAYS: z.coerce.number().positive().max(365).default(7),
    LINK_DOWNLOADS_PER_LINK: z.coerce.number().int().min(1).max(100).default(3),
    LINK_DOWNLOADS_AT_ONCE: z.coerce.number().int().min(1).max(10_000).default(30),
    LINK_IDLE_SECONDS: z.coerce.number().min(1).max(3600).default(30),
    FACTEUR_LINK_SECRET: z.string().min(MIN_SECRET, `must be at least ${MIN_SECRET} characters`).optional(),
  })
  .refine((c) => !c.IMAP_HOST || (c.IMAP_USER && c.IMAP_PASSWORD), { path: ['IMAP_USER'], message: 'IMAP_USER and IMAP_PASSWORD are required with IMAP_HOST' })
  .refine((c) => !c.SMTP_USER === !c.SMTP_PASSWORD, { path: ['SMTP_PASSWORD'], message: 'SMTP_USER and SMTP_PASSWORD go together' })
  .refine((c) => !c.DISCORD_TOKEN || c.DISCORD_APP_ID, {
    path: ['DISCORD_APP_ID'],
    message: 'DISCORD_APP_ID (the application id) is required with DISCORD_TOKEN',
  })
  .refine((c) => !c.DKIM_DOMAIN === !c.DKIM_SELECTOR, { path: ['DKIM_SELECTOR'], message: 'DKIM_DOMAIN and DKIM_SELECTOR go together' })
  .refine((c) => !c.DKIM_DOMAIN || Boolean(c.DKIM_PRIVATE_KEY_FILE) !== Boolean(c.DKIM_PRIVATE_KEY), {
    path: ['DKIM_PRIVATE_KEY_FILE'],
    message: 'DKIM_DOMAIN needs its key: DKIM_PRIVATE_KEY_FILE (a PEM file) or DKIM_PRIVATE_KEY, one of them',
  })
  .refine((c) => c.DKIM_DOMAIN || !(c.DKIM_PRIVATE_KEY_FILE || c.DKIM_PRIVATE_KEY), {
    path: ['DKIM_DOMAIN'],
    message: 'a DKIM key is set but DKIM_DOMAIN and DKIM_SELECTOR are not: mail would go unsigned',
  })
  // The VERP address bounces+<token>@ must stay within SMTP's 64 characters of local part.
  .refine((c) => !c.MAIL_RETURN_PATH || c.MAIL_RETURN_PATH.split('@')[0]!.length <= 64 - 1 - VERP_TOKEN_LENGTH, {
    path: ['MAIL_RETURN_PATH'],
    message: `its local part may have ${64 - 1 - VERP_TOKEN_LENGTH} characters at most, so that bounces+<token>@ fits SMTP's 64`,
  })
  .refine((c) => !c.MAIL_RETURN_PATH || !c.MAIL_RETURN_PATH.split('@')[0]!.includes('+'), {
    path: ['MAIL_RETURN_PATH'],
    message: 'the bounce address itself may not hold a +: Facteur adds +<token> to it',
  });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The billing mailbox Facteur watches; without it, `.eml` files in `data/mail/inbox/` stand in for it. */
export interface ImapSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  /** TLS from the first byte (993); false means STARTTLS when the server offers it. */
  tls: boolean;
  mailbox: string;
}

/** The server replies leave through; without it, they are written as `.eml` files to `data/mail/outbox/`. */
export interface SmtpSettings {
  host: string;
  port: number;
  auth: { user: string; password: string } | null;
  tls: boolean;
  /** Connections kept open in the pool, and an optional cap on messages a second (the provider's limit). */
  maxConnections: number;
  ratePerSecond: number | null;
}

/** Payment reminders, sent with the push on the days of REMINDER_DAYS around each unpaid invoice's due date. */
export interface ReminderSettings {
  /** Days from the due date (negative: before), in order. */
  offsets: number[];
  /** The local time of day (PUSH_TIMEZONE, HH:MM) from which a day's reminders go out. */
  at: string;
  /** Whether a customer may turn reminders off. */
  optOut: boolean;
  /** Days an invoice's reminders wait after its customer says it is paid. */
  claimDays: number;
  /** Whether each reminder carries the account statement (REMINDERS_STATEMENT). */
  statement: boolean;
}

/** New invoices pushed on a schedule, and how failed sends are retried. */
export interface PushSettings {
  cron: string;
  timezone: string;
  maxAttempts: number;
  retryBaseMs: number;
}

/** How the mail channel answers, whichever way mail comes in and goes out. */
export interface MailSettings {
  /** Where handled messages are moved (IMAP folders, or folders beside `data/mail/inbox/`). */
  processedFolder: string;
  failedFolder: string;
  /** Attachments per reply, before encoding; a larger ZIP is split over several replies. */
  sizeLimitBytes: number;
  repliesPerHour: number;
  /**
   * The receiving server's authserv-id in Authentication-Results. When set, mail that passed
   * DMARC makes without the owner's approval the changes that send invoices nowhere new, and
   * staff may ask by mail; without it, staff requests by mail are off.
   */
  dmarcAuthservId: string | null;
  /** Answers to unknown senders an hour, all of them together: a From may be forged, and each answer would go to its victim. */
  strangerRepliesPerHour: number;
  /** Invoices one staff mail may resend; more wait for the staff member to confirm. */
  staffMaxResends: number;
  /**
   * The bounce address (MAIL_RETURN_PATH): each mail's envelope sender becomes
   * `local+<token>@domain`, so that a report coming back names the delivery it is about; null:
   * the envelope sender is MAIL_FROM, and reports are matched by the Message-ID they return.
   */
  returnPath: string | null;
  /** Another folder of the mailbox (MAIL_BOUNCE_FOLDER) where reports are delivered, watched beside the inbox and never answered; null: they come to the inbox. */
  bounceFolder: string | null;
  /** Soft bounces in a row (MAIL_SOFT_BOUNCES) that suppress an address like a hard one. */
  softBounces: number;
}

/** DKIM signing of every mail; the key is read and checked at start-up (outbound/dkim.ts). */
export interface DkimSettings {
  domain: string;
  selector: string;
  /** DKIM_PRIVATE_KEY_FILE, a PEM file; or the key itself, DKIM_PRIVATE_KEY. */
  keyFile: string | null;
  key: string | null;
}

/** The Discord bot; without a token, Discord is off. */
export interface DiscordSettings {
  token: string;
  appId: string;
  /** Commands are registered for this server only (they appear at once); null: globally. */
  guildId: string | null;
  staffRoleIds: string[];
  staffUserIds: string[];
  /** The channel staff read, where Facteur tells them what needs them (a payment a customer says they made); null: none. */
  staffChannelId: string | null;
  /** The REST base (`https://discord.com/api`); the gateway's address is asked of it. */
  apiUrl: string;
}

/** The HTTP server of `facteur start`: the billing system's intake API, health, metrics. */
export interface HttpSettings {
  host: string;
  port: number;
  /** Bodies of the intake API past this are refused with 413 (an import sent by `facteur import` has the import's own limit). */
  bodyLimitBytes: number;
  /** Keys a caller may give as `Authorization: Bearer <key>`; none means only the local key of `facteur import` is accepted. */
  apiKeys: string[];
  /** Signs webhooks (`Facteur-Signature`), for billing systems that sign rather than send a key. */
  webhookSecret: string | null;
  /** When set, `/metrics` asks for it as a bearer key. */
  metricsKey: string | null;
  /** The reverse proxies whose `X-Forwarded-For` says who the caller is (logged, refused); none: the peer address is the caller. */
  trustProxy: string[];
}

/** Download links for ZIPs too large to send (PUBLIC_URL); they need the HTTP server, which serves them. */
export interface LinksSettings {
  /** The HTTP server's address as customers reach it (behind a proxy), without a trailing slash. */
  publicUrl: string;
  /** How long a link works, in days. */
  days: number;
  /** FACTEUR_LINK_SECRET; null: one made once and kept in the data folder. */
  secret: string | null;
  /** How many ZIPs one link may be downloading at once, how many all links together, and how long a download may take nothing before it is cut off. */
  downloads: DownloadLimits;
}

/** What keeps download links from exhausting the service: ZIPs being written at once, per link and in all, and how long one may stall. */
export interface DownloadLimits {
  perLink: number;
  atOnce: number;
  idleMs: number;
}

export type Config = {
  dataDir: string;
  /** PostgreSQL instead of the lowdb files in the data folder (which still holds the outbox, the PDF cache, saved files). */
  databaseUrl: string | null;
  templatesDir: string;
  /**
   * Demo data for an empty store, and up to which day (today unless set, so the demo looks
   * current; fixed by tests so that what it holds does not change with the calendar).
   */
  demo: { until: Date } | null;
  consoleAs: string;
  pageSize: number;
  /** The day (MM-DD) fiscal years start, for « l'exercice 2021 », "FY2022": 01-01, the calendar year, unless set. */
  fiscalYearStart: string;
  /** Import files larger than this are refused before being read. */
  importMaxBytes: number;
  /** The billing system's PDFs (and PDFs customers send to be checked): see PdfSettings. */
  pdfs: PdfSettings;
  mailFrom: string;
  logLevel: string;
  imap: ImapSettings | null;
  smtp: SmtpSettings | null;
  mail: MailSettings;
  dkim: DkimSettings | null;
  push: PushSettings;
  /** Null when REMINDERS_ENABLED=false. */
  reminders: ReminderSettings | null;
  /** Support staff's addresses: they may ask for resends by mail (`renvoyer 1210`). */
  staffEmails: string[];
  discord: DiscordSettings | null;
  http: HttpSettings | null;
  links: LinksSettings | null;
  /** FACTEUR_LINK_SECRET, which signs download links and return paths; null: one made once and kept in the data folder. */
  secret: string | null;
};

/** The invoice PDFs that count: the billing system's, how big and how long to read, and whether Facteur may send its own rendering. */
export interface PdfSettings {
  /** A PDF larger than this is refused (FACTEUR_PDF_MAX_MB): the billing system's, or one a customer sends to be checked. */
  maxBytes: number;
  /** How long reading one PDF's text may take before it is refused (FACTEUR_PDF_READ_SECONDS). */
  readTimeoutMs: number;
  /** `billing`: only the billing system's PDFs are sent, never a rendering (PDF_SOURCE); `any`: Facteur renders those it lacks. */
  source: 'any' | 'billing';
}

/** A configuration that cannot be used; the message names every bad variable and why. */
export class ConfigError extends ActionableError {
  override name = 'ConfigError';
}

/**
 * Reads the settings from the environment, after a `.env` file in the working directory
 * when there is one (variables already set win). Every problem is reported at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Bad configuration:\n${problems.join('\n')}\nSee .env.example for every setting.`);
  }
  const c = parsed.data;
  return {
    dataDir: path.resolve(c.FACTEUR_DATA_DIR),
    databaseUrl: c.DATABASE_URL ?? null,
    templatesDir: path.resolve(c.FACTEUR_TEMPLATES_DIR),
    // On by default only with nothing real configured: a production start must not seed it.
    demo:
      (c.FACTEUR_DEMO ?? !(c.IMAP_HOST || c.DISCORD_TOKEN || c.DATABASE_URL))
        ? { until: c.FACTEUR_DEMO_UNTIL ? new Date(c.FACTEUR_DEMO_UNTIL) : new Date() }
        : null,
    consoleAs: c.FACTEUR_CONSOLE_AS.toLowerCase(),
    pageSize: c.FACTEUR_PAGE_SIZE,
    fiscalYearStart: c.FISCAL_YEAR_START,
    importMaxBytes: Math.round(c.FACTEUR_IMPORT_MAX_MB * 1024 * 1024),
    pdfs: { maxBytes: Math.round(c.FACTEUR_PDF_MAX_MB * 1024 * 1024), readTimeoutMs: c.FACTEUR_PDF_READ_SECONDS * SECOND_MS, source: c.PDF_SOURCE },
    mailFrom: c.MAIL_FROM,
    logLevel: c.LOG_LEVEL,
    imap: c.IMAP_HOST
      ? {
          host: c.IMAP_HOST,
          port: c.IMAP_PORT ?? (c.IMAP_TLS ? 993 : 143),
          user: c.IMAP_USER!,
          password: c.IMAP_PASSWORD!,
          tls: c.IMAP_TLS,
          mailbox: c.IMAP_MAILBOX,
        }
      : null,
    smtp: c.SMTP_HOST
      ? {
          host: c.SMTP_HOST,
          port: c.SMTP_PORT ?? (c.SMTP_TLS ? 465 : 587),
          auth: c.SMTP_USER ? { user: c.SMTP_USER, password: c.SMTP_PASSWORD! } : null,
          tls: c.SMTP_TLS,
          maxConnections: c.SMTP_MAX_CONNECTIONS,
          ratePerSecond: c.SMTP_RATE_PER_SECOND ?? null,
        }
      : null,
    mail: {
      processedFolder: c.MAIL_PROCESSED_FOLDER,
      failedFolder: c.MAIL_FAILED_FOLDER,
      sizeLimitBytes: Math.round(c.MAIL_SIZE_LIMIT_MB * 1024 * 1024),
      repliesPerHour: c.MAIL_REPLIES_PER_HOUR,
      dmarcAuthservId: c.MAIL_DMARC_AUTHSERV_ID ?? null,
      strangerRepliesPerHour: c.MAIL_STRANGER_REPLIES_PER_HOUR,
      staffMaxResends: c.MAIL_STAFF_MAX_RESENDS,
      returnPath: c.MAIL_RETURN_PATH?.toLowerCase() ?? null,
      bounceFolder: c.MAIL_BOUNCE_FOLDER ?? null,
      softBounces: c.MAIL_SOFT_BOUNCES,
    },
    dkim: c.DKIM_DOMAIN
      ? {
          domain: c.DKIM_DOMAIN.toLowerCase(),
          selector: c.DKIM_SELECTOR!,
          keyFile: c.DKIM_PRIVATE_KEY_FILE ? path.resolve(c.DKIM_PRIVATE_KEY_FILE) : null,
          key: c.DKIM_PRIVATE_KEY ?? null,
        }
      : null,
    push: { cron: c.PUSH_CRON, timezone: c.PUSH_TIMEZONE, maxAttempts: c.DELIVERY_MAX_ATTEMPTS, retryBaseMs: c.DELIVERY_RETRY_SECONDS * SECOND_MS },
    reminders: c.REMINDERS_ENABLED
      ? {
          offsets: readOffsets(c.REMINDER_DAYS)!,
          at: c.REMINDERS_AT,
          optOut: c.REMINDERS_OPT_OUT,
          claimDays: c.REMINDER_CLAIM_DAYS,
          statement: c.REMINDERS_STATEMENT,
        }
      : null,
    staffEmails: c.FACTEUR_STAFF_EMAILS.split(',')
      .map((address) => address.trim().toLowerCase())
      .filter(Boolean),
    discord: c.DISCORD_TOKEN
      ? {
          token: c.DISCORD_TOKEN,
          appId: c.DISCORD_APP_ID!,
          guildId: c.DISCORD_GUILD_ID ?? null,
          staffRoleIds: ids(c.DISCORD_STAFF_ROLE_IDS),
          staffUserIds: ids(c.DISCORD_STAFF_USER_IDS),
          staffChannelId: c.DISCORD_STAFF_CHANNEL_ID ?? null,
          apiUrl: c.DISCORD_API_URL.replace(/\/+$/, ''),
        }
      : null,
    http: c.HTTP_ENABLED
      ? {
          host: c.HTTP_HOST,
          port: c.HTTP_PORT,
          bodyLimitBytes: Math.round(c.HTTP_BODY_LIMIT_MB * 1024 * 1024),
          apiKeys: commaList(c.FACTEUR_API_KEYS),
          webhookSecret: c.FACTEUR_WEBHOOK_SECRET ?? null,
          metricsKey: c.FACTEUR_METRICS_KEY ?? null,
          trustProxy: commaList(c.HTTP_TRUST_PROXY),
        }
      : null,
    links: c.PUBLIC_URL
      ? {
          publicUrl: c.PUBLIC_URL.replace(/\/+$/, ''),
          days: c.LINK_DAYS,
          secret: c.FACTEUR_LINK_SECRET ?? null,
          downloads: { perLink: c.LINK_DOWNLOADS_PER_LINK, atOnce: c.LINK_DOWNLOADS_AT_ONCE, idleMs: c.LINK_IDLE_SECONDS * SECOND_MS },
        }
      : null,
    secret: c.FACTEUR_LINK_SECRET ?? null,
  };
}

/** A comma-separated setting as its items, blanks dropped. */
function commaList(list: string): string[] {
  return list
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
}

function ids(list: string): string[] {
  return list
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
}
