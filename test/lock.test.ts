import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDataFolder } from '../src/store/lowdb/lock.js';
import { StoreError } from '../src/store/store.js';

const CONTENDER = path.resolve(import.meta.dirname, 'support', 'lock-contender.ts');
const ROUNDS = 20;

/** A process that takes locks when told to, and says how it went, line by line. */
class Contender {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly answers = new Map<string, (answer: string) => void>();

  constructor() {
    this.child = spawn(process.execPath, ['--import', 'tsx', CONTENDER]);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const [folder, answer] = line.split(' ');
      this.answers.get(folder!)?.(answer!);
    });
  }

  tryLock(folder: string): Promise<string> {
    return new Promise((resolve) => {
      this.answers.set(folder, resolve);
      this.child.stdin.write(`${folder}\n`);
    });
  }

  async ready(): Promise<void> {
    const folder = await mkdtemp(path.join(tmpdir(), 'facteur-lock-ready-'));
    await this.tryLock(folder);
  }
}

let root: string;
let contenders: Contender[];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'facteur-lock-'));
  contenders = [new Contender(), new Contender(), new Contender()];
  await Promise.all(contenders.map((contender) => contender.ready()));
});

afterAll(async () => {
  for (const contender of contenders ?? []) contender.child.kill();
  await rm(root, { recursive: true, force: true });
});

/** A folder whose lock was left by a process that is gone (its pid cannot be alive). */
async function staleFolder(name: string, holder = '{"pid":2147483646,"start":"1"}'): Promise<string> {
  const folder = path.join(root, name);
  await rm(folder, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(folder, { recursive: true }));
  await writeFile(path.join(folder, '.facteur.lock'), holder);
  return folder;
}

describe('the data folder lock', () => {
  it('is taken over from a dead holder by exactly one of several processes trying at once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const folder = await staleFolder(`stale-${round}`);
      const answers = await Promise.all(contenders.map((contender) => contender.tryLock(folder)));
      expect(
        answers.filter((answer) => answer === 'got'),
        `round ${round}: ${answers.join(', ')}`,
      ).toHaveLength(1);
    }
  });

  it('is taken over from a live process that is not Facteur, such as pid 1 written by hand', async () => {
    const folder = await staleFolder('init', '1');
    expect(await contenders[0]!.tryLock(folder)).toBe('got');
    expect(JSON.parse(await readFile(path.join(folder, '.facteur.lock'), 'utf8'))).toMatchObject({ pid: contenders[0]!.child.pid });
  });

  it('is refused while a live Facteur holds it, naming its pid', async () => {
    const folder = await staleFolder('held');
    expect(await contenders[1]!.tryLock(folder)).toBe('got');
    expect(await contenders[2]!.tryLock(folder)).toBe('refused');
    const error = (() => {
      try {
        lockDataFolder(path.join(folder, '.facteur.lock'));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(`pid ${contenders[1]!.child.pid}`);
  });

  it('is taken again by the process that holds it, which opens its own folder more than once', async () => {
    const folder = await staleFolder('own');
    lockDataFolder(path.join(folder, '.facteur.lock'));
    expect(() => lockDataFolder(path.join(folder, '.facteur.lock'))).not.toThrow();
  });
});
