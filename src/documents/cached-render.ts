import { createHash } from 'node:crypto';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { publish, secondsSince } from '../observe.js';
import type { CachedFile, FileCache } from './cache.js';
import { RenderPool } from './pool.js';
import { RENDERER } from './renderer.js';

/**
 * The render threads, one pool per process whatever the number of InvoiceDocuments: each
 * thread costs a start (~0.15 s: pdfmake and the fonts loaded; twice that from the TypeScript
 * sources, through tsx) and ~40 MB.
 */
const pool = new RenderPool();

/** The PDF of `page` from the cache, rendered on the pool first when it is not there; `document` names it for `onRender`. */
export function cachedRender(
  page: TDocumentDefinitions,
  document: string,
  cache: FileCache,
  onRender?: (document: string, milliseconds: number) => void,
): Promise<CachedFile> {
  const key = createHash('sha256').update(RENDERER).update('\0').update(JSON.stringify(page)).digest('hex');
  return cache.get(key, async () => {
    const started = performance.now();
    const bytes = await pool.render(page);
    publish('render', { seconds: secondsSince(started) });
    onRender?.(document, performance.now() - started);
    return bytes;
  });
}
