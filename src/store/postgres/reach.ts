import { ActionableError } from '../../faults.js';

/** What PostgreSQL answers that is about reaching the database, not about a query: its SQLSTATE codes. */
const REFUSALS: Record<string, (url: URL, setting: string) => string> = {
  '28P01': (url, setting) => `the server refused the login of "${decodeURIComponent(url.username)}" (wrong password): fix the user or password in ${setting}`,
  '28000': (url, setting) => `the server does not let "${decodeURIComponent(url.username)}" log in from here (pg_hba.conf): allow it there, or fix ${setting}`,
  '3D000': (url, setting) =>
    `the database "${decodeURIComponent(url.pathname.slice(1))}" does not exist: make it (createdb ${decodeURIComponent(url.pathname.slice(1))}, as its owner), or fix ${setting}`,
  '57P03': () => 'the server is starting up or shutting down: start Facteur again in a moment',
  '53300': () => 'the server has no connection left to give (max_connections): raise it, or stop what holds them',
};

/** What the system says when the server cannot be reached at all. */
const UNREACHABLE: Record<string, (url: URL, setting: string) => string> = {
  ECONNREFUSED: (url, setting) => `nothing answers at ${url.host}: start PostgreSQL there, or set ${setting} to the server Facteur should use`,
  ENOTFOUND: (url, setting) => `there is no host "${url.hostname}": fix the host in ${setting}`,
  EAI_AGAIN: (url, setting) => `the host "${url.hostname}" could not be looked up (DNS): check the network, or the host in ${setting}`,
  ETIMEDOUT: (url) => `no answer from ${url.host}: check that PostgreSQL runs there and that a firewall lets Facteur through`,
  EHOSTUNREACH: (url, setting) => `${url.host} cannot be reached from here: check the network, or the host in ${setting}`,
};

/**
 * An error met while opening the database of `setting` (DATABASE_URL, or `facteur db copy`'s
 * --to), told to the operator when it is about reaching it (the server down, the host unknown,
 * the login refused, the database missing): the URL without its password, why, and what to do;
 * null for any other error, which stays as it is.
 */
export function unreachable(databaseUrl: string, error: unknown, setting = 'DATABASE_URL'): ActionableError | null {
  if (!URL.canParse(databaseUrl)) return null;
  const url = new URL(databaseUrl);
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    // pg's own words when its connection timeout passes, which carries no code.
    const said = REFUSALS[code] ?? UNREACHABLE[code] ?? (/timeout/i.test(String(e.message)) ? UNREACHABLE.ETIMEDOUT : undefined);
    if (said) {
      url.password = '';
      return new ActionableError(`${setting} (${url.toString()}): ${said(url, setting)}.`, { cause: error });
    }
  }
  return null;
}
