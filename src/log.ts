import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One JSON line per event on stderr (stdout belongs to the console chat and to
 * `facteur ask`), pretty-printed when a person is watching; or, while a person chats in
 * the console, appended to `file` instead, so that no log line lands in the middle of the
 * conversation (nor shows an internal id to someone playing a customer). Known secret
 * fields are redacted wherever they appear, so a careless `log.info({ config })` leaks nothing.
 */
export function createLogger(level: string, file?: string): Logger {
  const options = { level, redact: { paths: SECRETS, censor: '[secret]' }, serializers: { err: errorWithoutSecrets } };
  // Written synchronously: a console session logs little, and a line is never lost to a kill.
  if (file) return pino(options, pino.destination({ dest: file, mkdir: true, append: true, sync: true, mode: 0o600 }));
  if (process.stderr.isTTY) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2, ignore: 'pid,hostname' } } });
  }
  return pino(options, pino.destination(2));
}

/** Passwords, tokens, keys and URLs that may hold them, at any depth a configuration object puts them (`config.smtp.auth.password`). */
const SECRETS = ['password', 'token', 'pass', 'key', 'apiKeys', 'webhookSecret', 'metricsKey', 'databaseUrl'].flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `*.*.*.${key}`,
]);

/**
 * Errors as pino prints them, less what may carry a secret: a Discord API error's URL
 * holds the interaction's token, its request body the message sent.
 */
function errorWithoutSecrets(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const { url: _url, requestBody: _body, ...safe } = serialized;
  return safe;
}
