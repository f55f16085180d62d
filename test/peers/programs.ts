/**
 * Where the tests find the programs they start as peers: Debian's packages, at the paths the
 * packages put them, so that a shell whose PATH lacks /usr/sbin (a non-login root shell) finds
 * them all the same. `install.ts` installs what is missing before `npm test` runs anything.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const DOVECOT = '/usr/sbin/dovecot';
export const POSTFIX = '/usr/sbin/postfix';
/** Debian's chromium, driven by playwright-core: no browser is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/** PostgreSQL's server binaries, not on the PATH in Debian: the newest /usr/lib/postgresql/<version>/bin holding initdb, or null. */
export function postgresBin(root = '/usr/lib/postgresql'): string | null {
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? path.join(root, newest, 'bin') : null;
}
