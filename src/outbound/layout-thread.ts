import { parentPort, workerData } from 'node:worker_threads';
import mjml2html from 'mjml';
import { mailLogo } from './logo.js';

/** What layout.ts asks of the thread: the layout to compile, and the logo to draw for mails (a data URL), if any. */
export interface LayoutWork {
  source: string;
  file: string;
  logo: string | null;
  logoWidth: number;
}

/** What the thread sends back: MJML's HTML and what its validator found, and the logo drawn, or why it could not be. */
export interface LayoutMade {
  html: string;
  errors: { message: string; formattedMessage: string }[];
  logo: { contentType: string; content: Uint8Array } | { error: string } | null;
}

/**
 * A short-lived thread that compiles the mail layout with MJML and draws the logo with resvg
 * (see layout.ts). MJML and its dependencies hold ~60 MB once loaded, resvg a few more: loaded
 * here, they go with the thread, and the process that sends mail keeps only the HTML and the PNG.
 */
if (!parentPort) throw new Error('layout-thread runs as a worker thread of the mail layout');
const { source, file, logo, logoWidth } = workerData as LayoutWork;
const [{ html, errors }, drawn] = await Promise.all([
  mjml2html(source, { validationLevel: 'soft', filePath: file, keepComments: false, fonts: {} }),
  logo === null ? null : mailLogo(logo, logoWidth).catch((error: unknown) => ({ error: (error as Error).message })),
]);
const made: LayoutMade = { html, errors: errors.map(({ message, formattedMessage }) => ({ message, formattedMessage })), logo: drawn };
parentPort.postMessage(made);
