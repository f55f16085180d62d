import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN } from './support/cli.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-tty-'));
});

afterEach(() => rm(dataDir, { recursive: true, force: true }));

/** What readline draws for a fresh prompt: clear the line, then `> `. */
const PROMPT = '\u001b[0J> ';

/**
 * `facteur start` on a real terminal: util-linux's `script` gives it a pseudo-terminal of
 * `columns` columns and passes what the test types to it, as a person's keyboard would.
 */
function atTerminal(columns: number) {
  const command = `stty cols ${columns} rows 40; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} start`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, FACTEUR_DATA_DIR: path.join(dataDir, 'data'), LOG_LEVEL: 'info', NODE_ENV: 'production' },
    cwd: dataDir,
  });
  let screen = '';
  const waiting = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    for (const check of waiting) check();
  });
  const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
  /** Resolves once the terminal shows its `count`-th prompt. */
  const prompt = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (screen.split(PROMPT).length - 1 < count) return;
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      check();
    });
  return {
    prompt,
    type: (keys: string) => child.stdin.write(keys),
    exited,
    /** The screen's lines as a person reads them, colours and cursor moves left out. */
    lines: () =>
      stripVTControlCharacters(screen)
        .split(/\r?\n/)
        .map((line) => line.replace(/\r/g, '')),
  };
}

describe('the console chat at a terminal', () => {
  it('keeps the log off the screen, prompts after every answer, wraps at the terminal width and leaves on Ctrl-C', async () => {
    const terminal = atTerminal(60);
    await terminal.prompt(1);
    expect(terminal.lines().join(' ')).toContain('Awa Nkolo (awa@example.cm)');
    expect(terminal.lines().join(' ')).toContain(path.join('data', 'facteur.log'));
    terminal.type('mes factures\r');
    await terminal.prompt(2);
    terminal.type('notifications adresse nouveau@exemple.cm\r');
    await terminal.prompt(3);
    terminal.type('\u0003');
    expect(await terminal.exited).toBe(0);

    const lines = terminal.lines();
    expect(lines.join('\n')).toMatch(/1273 +121.039.FCFA/u);
    // The confirmation sentence is longer than the terminal: it wraps between words, nothing lost.
    expect(lines.join(' ')).toMatch(/Un code de confirmation vient d'être envoyé à\s+nouveau@exemple\.cm\./);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(60);
    expect(lines.at(-2) ?? lines.at(-1)).toMatch(/Au revoir/);
    // No log line, and with it no internal customer id, among what the person reads.
    const screen = lines.join('\n');
    expect(screen).not.toMatch(/"level"|INFO|WARN|HTTP: listening/);
    expect(screen).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);

    const log = (await readFile(path.join(dataDir, 'data', 'facteur.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(log.find((line) => line.event === 'change.requested')).toMatchObject({ change: 'address', trust: 'owner' });
  });
});
