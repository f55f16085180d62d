/**
 * One process contending for data-folder locks, for test/lock.test.ts: for each folder read
 * on standard input, it tries to take the lock and prints `<folder> got` or `<folder> refused`.
 * The locks it gets are kept until it exits, as a running Facteur keeps its own.
 */
import { createInterface } from 'node:readline';
import path from 'node:path';
import { lockDataFolder } from '../../src/store/lowdb/lock.js';

for await (const folder of createInterface({ input: process.stdin })) {
  try {
    lockDataFolder(path.join(folder, '.facteur.lock'));
    process.stdout.write(`${folder} got\n`);
  } catch {
    process.stdout.write(`${folder} refused\n`);
  }
}
