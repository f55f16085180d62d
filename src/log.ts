import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One JSON line per event on stderr (stdout belongs to the console chat and to
 * `facteur ask`), pretty-printed when a person is watching. Known secret fields are
 * redacted wherever they appear, so a careless `log.info({ config })` leaks nothing.
 */
export function createLogger(level: string): Logger {
  const redact = { paths: ['*.password', '*.token', '*.pass', 'password', 'token', 'code', '*.code'], censor: '[secret]' };
  if (process.stderr.isTTY) {
    return pino({ level, redact, transport: { target: 'pino-pretty', options: { destination: 2, ignore: 'pid,hostname' } } });
  }
  return pino({ level, redact }, pino.destination(2));
}
