/**
 * A real, private IMAP server for tests: Debian's Dovecot 2.3 started with its own config in a
 * fresh temp dir, on 127.0.0.1 and a free high port, plain-text login, no TLS.
 * See /work/shared/mail-testing.md for how each setting below was found.
 *
 * Needs root (CI runs as root): Dovecot drops to the `dovecot`/`dovenull` system users that the
 * `dovecot-imapd` package creates, and the maildir must be chowned to `dovecot`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { DOVECOT } from './programs.js';

export interface DovecotUser {
  user: string;
  password: string;
}

export interface Dovecot {
  host: string;
  port: number;
  /** The first user (default `billing@example.test` / `secret`). */
  user: string;
  password: string;
  /** The temp dir holding dovecot.conf, users, mail/ (maildirs, unless startDovecot was given another), run/, state/, dovecot.log. */
  dir: string;
  /**
   * Kills the master and its children (open sessions get a BYE and are closed, like a server
   * going down) and waits until the master has exited and the port refuses connections.
   */
  stop(): Promise<void>;
  /** Starts again on the same port and data (reconnect tests). */
  start(): Promise<void>;
  /** stop() then remove the temp dir. */
  destroy(): Promise<void>;
}

export interface ImapMessageSummary {
  uid: number;
  messageId: string | undefined;
  subject: string | undefined;
  flags: string[];
}

const HOST = '127.0.0.1';
const DEFAULT_USERS: DovecotUser[] = [{ user: 'billing@example.test', password: 'secret' }];
const run = promisify(execFile);
const DOVECOT_BIN = existsSync(DOVECOT) ? DOVECOT : 'dovecot';

/**
 * Dovecot 2.3 config. Not obvious:
 * - `default_login_user = dovenull`: imap-login refuses to run as root.
 * - `first_valid_uid = 1`: the static userdb maps every user to the `dovecot` system user, whose
 *   uid is below the default minimum of 500 (and the mail user may never be root).
 * - `chroot =` for imap-login and anvil: by default they chroot into system dirs under /run.
 * - `imaps { port = 0 }`: no TLS listener, so `ssl = no` is accepted.
 * - base_dir/state_dir/log_path in the temp dir: parallel runs never share sockets or state.
 * - Every block opens on its own line: Dovecot rejects `service anvil { chroot = }` on one line.
 */
function config(dir: string, port: number, mailDir: string): string {
  return `protocols = imap
listen = ${HOST}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:${mailDir}/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${mailDir}/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = ${HOST}
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`;
}

/** A port that was free a moment ago: bind port 0, read it, close. Races are retried by the caller. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the first line the server sends, rejects if it cannot connect. */
function readGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, HOST);
    let data = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('no greeting within 2 s')));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n')) {
        socket.destroy();
        resolve(data.slice(0, data.indexOf('\r\n')));
      }
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before greeting')));
  });
}

async function waitUntil(what: string, ok: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`Dovecot: timed out after ${timeoutMs} ms waiting ${what}`);
    await sleep(25);
  }
}

/** Whether something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, HOST, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const greets = (port: number) =>
  readGreeting(port).then(
    (line) => line.startsWith('* OK'),
    () => false,
  );

/** Starts a private Dovecot. Throws if Dovecot is missing, not 2.3, or not run as root. */
export async function startDovecot(options: { users?: DovecotUser[]; mailDir?: string } = {}): Promise<Dovecot> {
  const users = options.users ?? DEFAULT_USERS;
  const first = users[0];
  if (!first) throw new Error('startDovecot: at least one user is needed');
  if (process.getuid?.() !== 0) throw new Error('startDovecot: must run as root (as npm test does)');
  const version = await run(DOVECOT_BIN, ['--version']).then(
    (r) => r.stdout.trim(),
    () => {
      throw new Error('startDovecot: `dovecot` not found; npm test installs it (apt-get install -y dovecot-imapd)');
    },
  );
  // Dovecot 2.4 (Debian 13) changed the config syntax; this file speaks 2.3 (Debian 12).
  if (!version.startsWith('2.3.')) throw new Error(`startDovecot: need Dovecot 2.3, found ${version}`);

  const dir = await mkdtemp(join(tmpdir(), 'facteur-dovecot-'));
  // mkdtemp makes the dir 0700 (root only); the dovecot and dovenull users must traverse it.
  await chmod(dir, 0o755);
  // Another program's Maildirs when given (a test's Postfix delivers there), its own otherwise.
  const mailDir = options.mailDir ?? join(dir, 'mail');
  if (!options.mailDir) await mkdir(mailDir);
  await run('chown', ['-R', 'dovecot:dovecot', mailDir]);
  const lines = users.map((u) => {
    if (/[:\n]/.test(u.user + u.password)) throw new Error(`startDovecot: ':' or newline in ${u.user}`);
    return `${u.user}:{PLAIN}${u.password}\n`;
  });
  await writeFile(join(dir, 'users'), lines.join(''));
  const confPath = join(dir, 'dovecot.conf');
  let port = 0;
  let master: ChildProcess | undefined; // running `dovecot -F`, undefined once it has exited
  let exited: Promise<void> = Promise.resolve(); // resolves when the last master has exited
  // A crashed test must not leave a daemon behind: kill the master when this process exits.
  const killOnExit = () => signalAll('SIGKILL');
  /** Signals the master's process group: the master and every process it started. */
  const signalAll = (signal: NodeJS.Signals) => {
    try {
      if (master?.pid) process.kill(-master.pid, signal);
    } catch {
      // already gone
    }
  };

  /**
   * One attempt to run `dovecot -F -c conf`; resolves false if the port was taken meanwhile.
   * -F keeps the master in the foreground as our child: we know its pid, see it exit, and reap
   * it. A daemonised master is reparented to pid 1, which in a container may never reap it,
   * so it would look alive (a zombie) forever; its master.pid also appears only after the
   * `dovecot` command has returned.
   * `detached` puts the master and all its children (imap, imap-login, log...) in a process
   * group of their own, so that stop() can signal them all (see stop()).
   */
  async function launch(): Promise<boolean> {
    const child = spawn(DOVECOT_BIN, ['-F', '-c', confPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let done = false;
    exited = new Promise<void>((resolve) => {
      const onEnd = (why: string) => {
        done = true;
        stderr += why;
        if (master === child) master = undefined;
        process.off('exit', killOnExit);
        resolve();
      };
      child.once('error', (err) => onEnd(String(err)));
      child.once('exit', (code, signal) => onEnd(` (exit ${code ?? signal})`));
    });
    master = child;
    process.once('exit', killOnExit);
    try {
      await waitUntil(`for the IMAP greeting on port ${port}`, async () => done || (await greets(port)));
    } catch (err) {
      signalAll('SIGKILL');
      throw err;
    }
    if (!done) return true;
    const log = await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
    if (/Address already in use/.test(stderr + log.split('\n').slice(-5).join('\n'))) return false;
    throw new Error(`Dovecot did not start: ${stderr}\n${log.slice(-2000)}\n(config: ${confPath})`);
  }

  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    await writeFile(confPath, config(dir, port, mailDir));
    if (await launch()) break;
    if (attempt === 5) throw new Error('startDovecot: no free port after 5 attempts');
  }

  const dovecot: Dovecot = {
    host: HOST,
    port,
    user: first.user,
    password: first.password,
    dir,
    async stop() {
      // SIGTERM to the master alone lets it exit in ~1 s, but the imap process serving an open
      // session lingers ~8 s more, so a connected client would not notice the outage. Signal
      // the whole group: every session gets `* BYE Server shutting down` and is closed at once.
      const group = master?.pid;
      signalAll('SIGTERM');
      await exited;
      try {
        if (group) process.kill(-group, 'SIGKILL'); // any straggler
      } catch {
        // all gone
      }
      await waitUntil('for the IMAP port to close', async () => !(await accepts(port)));
    },
    async start() {
      if (master) return;
      if (!(await launch())) throw new Error(`Dovecot: port ${port} was taken while stopped`);
    },
    async destroy() {
      await dovecot.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return dovecot;
}

/** Runs `fn` with a logged-in imapflow client, always logging out. */
async function withClient<T>(dovecot: Dovecot, login: DovecotUser, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: login.user, pass: login.password },
    logger: false,
  });
  // Without a listener, a socket error would be thrown as an uncaught 'error' event; the
  // pending command rejects anyway, so the error reaches the caller through `fn`.
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/**
 * Delivers a message the way a real one lands for the bot: IMAP APPEND (unflagged, so unseen).
 * A mailbox other than INBOX is created first if missing. Resolves with the new message's uid.
 * `login` defaults to the first user; pass another of `startDovecot`'s users to use theirs.
 */
export async function appendMessage(dovecot: Dovecot, raw: string | Buffer, mailbox = 'INBOX', login: DovecotUser = dovecot): Promise<number | undefined> {
  return withClient(dovecot, login, async (client) => {
    if (mailbox.toUpperCase() !== 'INBOX') await client.mailboxCreate(mailbox); // no-op if it exists
    const res = await client.append(mailbox, raw, []);
    return res ? res.uid : undefined;
  });
}

/** The messages of a mailbox, by uid, with Message-ID, subject and flags (e.g. `\Seen`). */
export async function listMailbox(dovecot: Dovecot, mailbox = 'INBOX', login: DovecotUser = dovecot): Promise<ImapMessageSummary[]> {
  return withClient(dovecot, login, async (client) => {
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    try {
      const box = client.mailbox;
      if (!box || box.exists === 0) return []; // FETCH 1:* fails on an empty mailbox
      const messages = await client.fetchAll('1:*', { uid: true, envelope: true, flags: true });
      return messages
        .map((m) => ({
          uid: m.uid,
          messageId: m.envelope?.messageId,
          subject: m.envelope?.subject,
          flags: [...(m.flags ?? [])],
        }))
        .sort((a, b) => a.uid - b.uid);
    } finally {
      lock.release();
    }
  });
}
