import { parentPort } from 'node:worker_threads';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { renderPdf } from './pdf.js';

/**
 * A thread of the render pool (see pool.ts): renders each page definition it is sent, one
 * at a time, and sends back the bytes or the error.
 */
if (!parentPort) throw new Error('render-worker runs as a worker thread of the render pool');
const port = parentPort;
port.on('message', (page: TDocumentDefinitions) => {
  renderPdf(page).then(
    (bytes) => port.postMessage({ bytes }),
    (error: unknown) => port.postMessage({ error }),
  );
});
