import mjml2html from 'mjml';
import { mailLogo } from './logo.js';

/** What layout.ts asks of the process: the layout to compile, and the logo to draw for mails (a data URL), if any. */
export interface LayoutWork {
  source: string;
  file: string;
  logo: string | null;
  logoWidth: number;
}

/** What the process sends back: MJML's HTML and what its validator found, and the logo drawn, or why it could not be; or why MJML failed. */
export type LayoutMade =
  | {
      html: string;
      errors: { message: string; formattedMessage: string }[];
      logo: { contentType: string; content: Uint8Array } | { error: string } | null;
    }
  | { failed: string };

/**
 * A short-lived process that compiles the mail layout with MJML and draws the logo with resvg
 * (see layout.ts), then exits. MJML and its dependencies hold ~60 MB once loaded, resvg a few
 * more; a thread that loaded them left 5 to 18 MB of the C heap behind it in the service, a
 * process leaves nothing: the service keeps only the HTML and the PNG.
 */
if (!process.send) throw new Error('layout-process runs as a child process of the mail layout');
process.once('message', (work: LayoutWork) => {
  void make(work).then((made) => process.send!(made, () => process.disconnect()));
});

async function make({ source, file, logo, logoWidth }: LayoutWork): Promise<LayoutMade> {
  try {
    const [{ html, errors }, drawn] = await Promise.all([
      mjml2html(source, { validationLevel: 'soft', filePath: file, keepComments: false, fonts: {} }),
      logo === null ? null : mailLogo(logo, logoWidth).catch((error: unknown) => ({ error: (error as Error).message })),
    ]);
    return { html, errors: errors.map(({ message, formattedMessage }) => ({ message, formattedMessage })), logo: drawn };
  } catch (error) {
    return { failed: (error as Error).message };
  }
}
