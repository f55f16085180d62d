import path from 'node:path';

/** Where things live under the data folder. */
export function dataPaths(dataDir: string) {
  return {
    db: path.join(dataDir, 'db.json'),
    out: path.join(dataDir, 'out'),
    outbox: path.join(dataDir, 'mail', 'outbox'),
    inbox: path.join(dataDir, 'mail', 'inbox'),
  };
}
