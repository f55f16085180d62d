import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The address of a `facteur start` a benchmark spawned, from its `http.listening` log line (stderr piped). */
export function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`facteur start exited (${code}) before listening`)));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      // Node's own warnings are not JSON: only the log's lines are read.
      const parsed = (line.startsWith('{') ? JSON.parse(line) : {}) as { event?: string; url?: string };
      if (parsed.event === 'http.listening') resolve(parsed.url!);
    });
  });
}
