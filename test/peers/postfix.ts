/**
 * A real MTA for tests: Debian's Postfix 3.7 as a private, throwaway relay in a fresh temp dir,
 * SMTP on 127.0.0.1 and a free high port, nothing written outside the dir. It relays every
 * other domain to the test's own SMTP server (`sinkPort`), delivers one mailbox of its domain
 * into a Maildir that the test's Dovecot serves (startDovecot's `mailDir`), and accepts mail for
 * an unknown recipient of its domain, then bounces it with a real DSN to the envelope sender,
 * as a provider's relay does. See /work/shared/postfix-testing.md for how each setting was found.
 *
 * Needs root (CI runs as root): `postfix start` refuses anyone else, and virtual(8) writes the
 * Maildir as the `dovecot` user so that Dovecot may read it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './dovecot.js';

const run = promisify(execFile);
const HOST = '127.0.0.1';
/** /usr/sbin is not on every PATH (a non-login shell), so look there too. */
const POSTFIX_BIN = existsSync('/usr/sbin/postfix') ? '/usr/sbin/postfix' : 'postfix';

export interface PostfixOptions {
  /** The domain Postfix is the final destination for (default `billing.test`). */
  domain?: string;
  /** Its one mailbox, delivered into the Maildir (default `billing@<domain>`). */
  mailbox?: string;
  /** Addresses that are the mailbox under another name, the VERP address among them (default `bounces@<domain>`). */
  aliases?: string[];
  /** Addresses delivered into a folder of the mailbox instead of its inbox (Maildir++ `.Folder/`, as a server-side rule files them): `{ 'bounces@billing.test': 'Bounces' }`. */
  folders?: Record<string, string>;
  /** Where mail for every other domain goes: the test's SMTP server on this port. */
  sinkPort?: number;
  /**
   * Domains routed otherwise, as `transport_maps` writes them: `{ 'fail.test': 'error:5.1.1 Gone' }`
   * bounces for good. `error:` with a 4.x.x code still bounces as `5.0.0`: a temporary refusal is
   * `retry:4.2.2 Mailbox full`, bounced at once as `failed 4.2.2` (the queue lifetime is 0).
   */
  transports?: Record<string, string>;
}

export interface Postfix {
  host: string;
  port: number;
  domain: string;
  mailbox: string;
  /** The temp dir: conf/, queue/, data/, mail/ (the Maildirs, for startDovecot's `mailDir`), maillog. */
  dir: string;
  mailDir: string;
  /** Postfix's own log, for a test that must say what the MTA did. */
  log(): Promise<string>;
  /** Stops Postfix, waits for its master to exit and removes the temp dir. */
  destroy(): Promise<void>;
}

/**
 * main.cf. Not obvious (postfix-testing.md): the queue and data dirs and the log live in the
 * temp dir, whose path must also be a `maillog_file_prefixes`; `smtpd_reject_unlisted_recipient
 * = no` accepts an unknown recipient at RCPT, so that virtual(8) bounces it with a DSN (with the
 * default, RCPT is refused and no DSN is made); `smtp_dns_support_level = disabled` keeps
 * Postfix off DNS; `recipient_delimiter = +` delivers `bounces+TOKEN@` to the bounces alias.
 */
function mainCf(
  dir: string,
  options: Required<Pick<PostfixOptions, 'domain' | 'mailbox' | 'aliases' | 'transports' | 'folders'>> & { sinkPort?: number },
  uid: string,
  gid: string,
): string {
  // Each entry in braces: a value with a space (`error:5.1.1 Gone`) is otherwise cut there.
  const inline = (entries: [string, string][]) => `inline:{ ${entries.map(([key, value]) => `{${key}=${value}}`).join(', ')} }`;
  const transports: [string, string][] = Object.entries(options.transports);
  return `compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
myhostname = mx.${options.domain}
mydomain = ${options.domain}
myorigin = ${options.domain}
mydestination =
alias_maps =
alias_database =
inet_interfaces = ${HOST}
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_dns_support_level = disabled
recipient_delimiter = +
virtual_mailbox_domains = ${options.domain}
virtual_mailbox_base = ${dir}/mail
virtual_mailbox_maps = ${inline([[options.mailbox, `${options.mailbox}/`], ...Object.entries(options.folders).map(([address, folder]): [string, string] => [address, `${options.mailbox}/.${folder}/`])])}
virtual_alias_maps = ${options.aliases.length > 0 ? inline(options.aliases.map((alias) => [alias, options.mailbox])) : ''}
virtual_uid_maps = static:${uid}
virtual_gid_maps = static:${gid}
smtpd_reject_unlisted_recipient = no
maximal_queue_lifetime = 0
bounce_queue_lifetime = 0
${transports.length > 0 ? `transport_maps = ${inline(transports)}` : ''}
${options.sinkPort ? `default_transport = smtp:[${HOST}]:${options.sinkPort}` : ''}
`;
}

/**
 * master.cf: one service a line, none chrooted (Debian's own chroots its services, so it is not
 * copied); without proxymap, smtpd never greets.
 */
function masterCf(port: number): string {
  return [
    `${HOST}:${port} inet n - n - - smtpd`,
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'proxymap unix - - n - - proxymap',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'smtp unix - - n - - smtp',
    'virtual unix - n n - - virtual',
    'showq unix n - n - - showq',
    'scache unix - - n - 1 scache',
    'anvil unix - - n - 1 anvil',
    'postlog unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');
}

/** Starts a private Postfix. Throws, saying what to install, when Postfix is missing or not run as root. */
export async function startPostfix(options: PostfixOptions = {}): Promise<Postfix> {
  if (process.getuid?.() !== 0) throw new Error('startPostfix: must run as root (see .ci/run)');
  if (
    !existsSync(POSTFIX_BIN) &&
    !(await run('which', ['postfix']).then(
      () => true,
      () => false,
    ))
  ) {
    throw new Error(
      'startPostfix: `postfix` not found; echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections && apt-get install -y postfix',
    );
  }
  const domain = options.domain ?? 'billing.test';
  const folders = options.folders ?? {};
  const aliases = (options.aliases ?? [`bounces@${domain}`]).filter((alias) => !(alias in folders));
  const settings = {
    domain,
    mailbox: options.mailbox ?? `billing@${domain}`,
    aliases,
    folders,
    transports: options.transports ?? {},
    ...(options.sinkPort ? { sinkPort: options.sinkPort } : {}),
  };
  const [uid, gid] = await Promise.all([run('id', ['-u', 'dovecot']), run('id', ['-g', 'dovecot'])]).then(([u, g]) => [u.stdout.trim(), g.stdout.trim()]);
  const dir = await mkdtemp(join(tmpdir(), 'facteur-postfix-'));
  // mkdtemp's 0700 keeps Postfix's own users out ("open lock file …: Permission denied").
  await chmod(dir, 0o755);
  for (const sub of ['conf', 'queue', 'data', 'mail']) await mkdir(join(dir, sub));
  await run('chown', ['postfix:postfix', join(dir, 'data')]);
  await run('chown', ['dovecot:dovecot', join(dir, 'mail')]);
  const conf = join(dir, 'conf');
  const postfix = (...args: string[]) => run(POSTFIX_BIN, ['-c', conf, ...args]);
  let port: number;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    await writeFile(join(conf, 'main.cf'), mainCf(dir, settings, uid!, gid!));
    await writeFile(join(conf, 'master.cf'), masterCf(port));
    // A main.cf younger than about 2 s makes Postfix wait for it to settle.
    const settled = new Date(Date.now() - 5_000);
    for (const file of ['main.cf', 'master.cf']) await utimes(join(conf, file), settled, settled);
    const started = await postfix('start').then(
      () => true,
      () => false,
    );
    if (started) break;
    const log = await readFile(join(dir, 'maillog'), 'utf8').catch(() => '');
    if (attempt === 3 || !/Address already in use/.test(log)) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`Postfix did not start: ${log.slice(-2000) || '(no log: run postfix -c DIR/conf check under script(1) to see why)'}`);
    }
  }
  const masterPid = async () => Number((await readFile(join(dir, 'queue', 'pid', 'master.pid'), 'utf8').catch(() => '')).trim()) || null;
  const pid = await masterPid();
  // A crashed test must not leave an MTA behind; stopped, not killed, so that the master reaps its children.
  const killOnExit = () => {
    try {
      execFileSync(POSTFIX_BIN, ['-c', conf, 'stop'], { stdio: 'ignore' });
    } catch {
      // gone already
    }
  };
  process.once('exit', killOnExit);
  return {
    host: HOST,
    port,
    domain,
    mailbox: settings.mailbox,
    dir,
    mailDir: join(dir, 'mail'),
    log: () => readFile(join(dir, 'maillog'), 'utf8').catch(() => ''),
    async destroy() {
      process.off('exit', killOnExit);
      await postfix('stop').catch(() => {});
      // `stop` returns at once; the master and its children leave a second or two later, and the dir is theirs until then.
      if (pid) await exitOf(pid);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the process is gone (a signal 0 that fails), after 20 s at most. */
async function exitOf(pid: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Postfix: its master (pid ${pid}) did not exit within 20 s of postfix stop`);
}
