/**
 * `npm test`'s first step, before the build: the programs the tests start as private peers (or
 * read their output with), installed from Debian's packages when missing, so that the README's
 * test command passes on a fresh Debian machine that has only Node. As root it installs them
 * with apt-get, their system services kept off (the tests start their own instances on high
 * ports, never the system's). Otherwise it says in one sentence what is missing and the command
 * that installs it, and exits 1 before any test runs; and since the tests need root anyway
 * (Dovecot and Postfix start only as root, a test mounts a tmpfs), it says so too rather than let
 * a dozen test files fail. Where everything is there it looks at a few paths and prints nothing.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { CHROMIUM, DOVECOT, POSTFIX, postgresBin } from './programs.js';

export interface Peer {
  /** What a person calls it, and the program whose absence says it is missing. */
  name: string;
  program: string;
  found: () => boolean;
  /** The Debian package that brings it, and the system service the package starts, if any. */
  package: string;
  service?: string;
  /** debconf answers given before installing, so that apt-get asks nothing. */
  preseed?: string;
}

const onPath =
  (...paths: string[]) =>
  () =>
    paths.some((file) => existsSync(file));

export const PEERS: Peer[] = [
  { name: 'Dovecot', program: 'dovecot', found: onPath(DOVECOT), package: 'dovecot-imapd', service: 'dovecot' },
  { name: 'PostgreSQL', program: 'initdb', found: () => postgresBin() !== null, package: 'postgresql', service: 'postgresql' },
  // "No configuration": no system-wide main.cf, no Postfix on port 25 (postfix-testing.md).
  {
    name: 'Postfix',
    program: 'postfix',
    found: onPath(POSTFIX),
    package: 'postfix',
    service: 'postfix',
    preseed: 'postfix postfix/main_mailer_type select No configuration',
  },
  { name: 'Chromium', program: 'chromium', found: onPath(CHROMIUM), package: 'chromium' },
  // The PDF tests read invoices back with poppler's pdftotext too (test/support/read.ts).
  { name: 'poppler', program: 'pdftotext', found: onPath('/usr/bin/pdftotext'), package: 'poppler-utils' },
  { name: 'ps', program: 'ps', found: onPath('/usr/bin/ps', '/bin/ps'), package: 'procps' },
];

/** The command a person runs as root to install these peers, preseeding what asks. */
export function installCommand(missing: Peer[]): string {
  const preseeds = missing.flatMap((peer) => (peer.preseed ? [`echo "${peer.preseed}" | sudo debconf-set-selections && `] : []));
  return `${preseeds.join('')}sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing.map((peer) => peer.package).join(' ')}`;
}

/** What keeps the tests from running as this user, in one sentence, or null when nothing does. */
export function obstacle(missing: Peer[], root: boolean, aptGet: boolean): string | null {
  const names = missing.map((peer) => (peer.name === peer.program ? peer.name : `${peer.name} (${peer.program})`));
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  if (missing.length > 0 && !root)
    return `npm test: the tests need ${listed}, missing here; run npm test as root, which installs them, or install them: ${installCommand(missing)}`;
  if (missing.length > 0 && !aptGet)
    return `npm test: the tests need ${listed}, missing here, and this machine has no apt-get: install Debian's ${missing.map((peer) => peer.package).join(', ')} or their like`;
  if (!root) return 'npm test: the tests run as root (Dovecot and Postfix start only as root, and a test mounts a tmpfs): run it as root, as .ci/run does';
  return null;
}

/** Runs a command as root, its output shown; throws with the command named if it fails. */
function run(command: string, args: string[], input?: string): void {
  const result = spawnSync(command, args, {
    stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'],
    input,
    // dpkg needs /usr/sbin and /sbin (ldconfig, start-stop-daemon), which a non-login root shell may lack.
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/bin:/sbin:/bin`, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0)
    throw new Error(
      `npm test: \`${[command, ...args].join(' ')}\` failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}); its output is above`,
    );
}

/**
 * Installs the missing peers. No service may start meanwhile: a policy-rc.d that refuses every
 * start is put in place for the install (unless the machine has its own), which both
 * invoke-rc.d and systemd's deb-systemd-invoke obey. Without it, a package's start would also
 * fail where the port is taken (another Dovecot on 143), and with it the install.
 */
function install(missing: Peer[]): void {
  console.error(
    `npm test: installing what the tests start as their own private servers, from Debian's packages: ${missing.map((peer) => peer.package).join(' ')}`,
  );
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  const removePolicy = () => ownPolicy && rmSync(policy, { force: true });
  process.once('SIGINT', removePolicy).once('SIGTERM', removePolicy);
  try {
    if (ownPolicy) {
      writeFileSync(policy, "#!/bin/sh\n# npm test (test/peers/install.ts): no service starts while it installs the tests' peers.\nexit 101\n");
      chmodSync(policy, 0o755);
    }
    for (const peer of missing) if (peer.preseed) run('debconf-set-selections', [], `${peer.preseed}\n`);
    run('apt-get', ['-q', 'update']);
    run('apt-get', ['-q', 'install', '-y', ...missing.map((peer) => peer.package)]);
  } finally {
    removePolicy();
  }
  // A machine whose own policy-rc.d let them start has them stopped here; where systemd runs, disabled too.
  const services = missing.flatMap((peer) => (peer.service ? [peer.service] : []));
  if (services.length === 0) return;
  if (existsSync('/run/systemd/system')) spawnSync('systemctl', ['disable', '--now', ...services], { stdio: 'ignore' });
  else for (const service of services) spawnSync('service', [service, 'stop'], { stdio: 'ignore' });
}

function main(): number {
  const root = process.getuid?.() === 0;
  const missing = PEERS.filter((peer) => !peer.found());
  const aptGet = missing.length === 0 || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  const problem = obstacle(missing, root, aptGet);
  if (problem) {
    console.error(problem);
    return 1;
  }
  if (missing.length === 0) return 0;
  try {
    install(missing);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const still = missing.filter((peer) => !peer.found());
  if (still.length > 0) {
    console.error(
      `npm test: apt-get installed ${still.map((peer) => peer.package).join(', ')} but ${still.map((peer) => peer.program).join(', ')} is still missing`,
    );
    return 1;
  }
  return 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = main();
