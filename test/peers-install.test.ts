import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PEERS, obstacle, type Peer } from './peers/install.js';

/**
 * `npm test`'s first step (test/peers/install.ts): where the peers are there it passes quietly;
 * where it cannot install them, it says in one sentence what is missing and how to install it.
 * That it installs them on a fresh Debian machine was tried in a bookworm chroot (see the
 * commit); a clone is often not readable by another user (/root), so the sentence for a user
 * who is not root is checked here as the script makes it.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const SCRIPT = path.join(ROOT, 'test', 'peers', 'install.ts');

function install(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const peer = (program: string): Peer => PEERS.find((p) => p.program === program)!;

describe("npm test's peers", () => {
  it('as root with every peer there, installs nothing and says nothing', async () => {
    expect(PEERS.filter((p) => !p.found()).map((p) => p.package)).toEqual([]);
    expect(await install()).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('as another user, says that the tests run as root', () => {
    expect(obstacle([], false, true)).toBe(
      'npm test: the tests run as root (Dovecot and Postfix start only as root, and a test mounts a tmpfs): run it as root, as .ci/run does',
    );
  });

  it('names each missing program and the command that installs it, preseeding what Postfix would ask', () => {
    expect(obstacle([peer('dovecot')], false, true)).toBe(
      'npm test: the tests need Dovecot (dovecot), missing here; run npm test as root, which installs them, or install them: sudo DEBIAN_FRONTEND=noninteractive apt-get install -y dovecot-imapd',
    );
    expect(obstacle([peer('initdb'), peer('postfix'), peer('chromium')], false, true)).toBe(
      'npm test: the tests need PostgreSQL (initdb), Postfix (postfix) and Chromium (chromium), missing here; run npm test as root, which installs them, or install them: ' +
        'echo "postfix postfix/main_mailer_type select No configuration" | sudo debconf-set-selections && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql postfix chromium',
    );
  });

  it('as root, installs what is missing with apt-get, and says so where there is no apt-get', () => {
    expect(obstacle(PEERS, true, true)).toBeNull();
    expect(obstacle([peer('ps')], true, false)).toBe(
      "npm test: the tests need ps, missing here, and this machine has no apt-get: install Debian's procps or their like",
    );
    expect(obstacle([], true, false)).toBeNull();
  });
});
