import path from 'node:path';

/** Where things live under the data folder. */
export function dataPaths(dataDir: string) {
  return {
    db: path.join(dataDir, 'db.json'),
    /** The log while a person chats in the console (elsewhere it goes to stderr). */
    log: path.join(dataDir, 'facteur.log'),
    out: path.join(dataDir, 'out'),
    outbox: path.join(dataDir, 'mail', 'outbox'),
    inbox: path.join(dataDir, 'mail', 'inbox'),
  };
}
