import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TemplateDelegate } from 'handlebars';
import { processModule } from '../documents/thread.js';
import { TemplateError } from '../templates/catalog.js';
import { letterText, type Block, type Letter } from './letter.js';
import type { LayoutMade, LayoutWork } from './layout-process.js';
import type { Table } from '../templates/table.js';

/** Who sends, as provider.json describes them: what the header and footer of every mail show. */
export interface MailBrand {
  name: string;
  colours: { primary: string; text: string; muted: string; background: string };
  /** The logo as a data URL (SVG, PNG or JPEG), or null without one. */
  logo: string | null;
  /** Contact lines (address, phone), for the footer. */
  contact: string[];
}

/** An image the HTML part shows by `cid:`, carried in the mail itself: nothing is fetched from anyone's server. */
export interface InlineImage {
  cid: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

/** A letter ready for the wire: both parts, and the images the HTML part names. */
export interface RenderedLetter {
  text: string;
  html: string;
  images: InlineImage[];
}

/** The size the logo is shown at, in CSS pixels: the template's `width` on its `<img>`. */
const LOGO_WIDTH = 40;
const LOGO_CID = 'logo@facteur';

/**
 * The provider's mail layout, `templates/mail/layout.mjml`: MJML compiled once per process,
 * at the first mail or when `facteur start` checks it (loading MJML takes ~0.6 s, compiling ~25 ms), into a Handlebars
 * template that each mail fills in a fraction of a millisecond. MJML, and resvg drawing the
 * logo, run in a process that ends once they are done, so that their ~65 MB do not stay with a
 * service that idles. A command that sends no mail never loads MJML, Handlebars or resvg.
 */
export class MailLayout {
  private ready: Promise<{ fill: TemplateDelegate; logo: InlineImage | null }> | undefined;

  constructor(
    private readonly templatesDir: string,
    private readonly brand: MailBrand,
  ) {}

  /**
   * Compiles the layout now rather than at the first mail, for `facteur start`: a layout an
   * operator broke then stops start-up with the file named, instead of failing every mail
   * of the next push. Rejects with a {@link TemplateError}.
   */
  async check(): Promise<void> {
    await this.prepared();
  }

  /** The letter as a mail's text and HTML parts, with the logo attached inline. */
  async render(letter: Letter): Promise<RenderedLetter> {
    const { fill, logo } = await this.prepared();
    const { name, colours, contact } = this.brand;
    const html = fill({
      lang: letter.locale,
      brand: { name, ...colours, contact },
      ...(logo ? { logo: `cid:${logo.cid}` } : {}),
      blocks: letter.blocks.map(shape),
      signature: letter.signature,
    });
    return { text: letterText(letter, [name, ...contact].join(' · ')), html, images: logo ? [logo] : [] };
  }

  private prepared(): Promise<{ fill: TemplateDelegate; logo: InlineImage | null }> {
    return (this.ready ??= this.prepare().catch((error: unknown) => {
      // Tried again by the next mail: a template being fixed, a file briefly unreadable.
      this.ready = undefined;
      throw error;
    }));
  }

  private async prepare(): Promise<{ fill: TemplateDelegate; logo: InlineImage | null }> {
    const file = path.join(this.templatesDir, 'mail', 'layout.mjml');
    const source = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new TemplateError(`${file}: ${(error as Error).message}`, { cause: error });
    });
    const [made, { default: Handlebars }] = await Promise.all([
      inProcess({ source, file, logo: this.brand.logo, logoWidth: LOGO_WIDTH }),
      import('handlebars'),
    ]);
    // A colour written as {{brand.primary}} is filled per mail: only MJML's other complaints are the operator's to fix.
    const real = made.errors.filter((error) => !error.message.includes('{{'));
    if (real.length > 0) throw new TemplateError(`${file}:\n${real.map((error) => error.formattedMessage).join('\n')}`);
    const handlebars = Handlebars.create();
    // Parsed here, since Handlebars' compile defers parsing to the first fill: a block closed by the wrong name would otherwise fail each mail, without the file's name.
    let parsed: ReturnType<typeof handlebars.parse>;
    try {
      // MJML indents its output deeply; without the indents every mail is a fifth lighter, and renders the same (no <pre> in it).
      parsed = handlebars.parse(made.html.replace(/^[ \t]+/gm, ''));
    } catch (error) {
      throw new TemplateError(`${file}: ${(error as Error).message} (line and column of the HTML that MJML made of it)`, { cause: error });
    }
    // An SVG that resvg cannot read (pdfmake may print it all the same): the operator's to fix, in the file provider.json names.
    if (made.logo && 'error' in made.logo)
      throw new TemplateError(`${path.join(this.templatesDir, 'invoice', 'provider.json')}: its logo cannot be drawn for mails: ${made.logo.error}`);
    const image = made.logo && { contentType: made.logo.contentType, content: Buffer.from(made.logo.content) };
    const logo = image ? { cid: LOGO_CID, filename: `logo.${image.contentType.split('/')[1]}`, ...image } : null;
    return { fill: handlebars.compile(parsed), logo };
  }
}

/** The layout compiled and the logo drawn in a process of their own, which ends with them (see layout-process.ts). */
async function inProcess(work: LayoutWork): Promise<Exclude<LayoutMade, { failed: string }>> {
  const { file, execArgv } = processModule('layout-process', import.meta.url);
  const child = fork(file, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let said = '';
  child.stderr!.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-2_000)));
  try {
    const made = await new Promise<LayoutMade>((resolve, reject) => {
      child.once('message', (message) => resolve(message as LayoutMade));
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new Error(`the mail layout's process exited (code ${code}) before compiling ${work.file}${said ? `: ${said.trim().split('\n')[0]}` : ''}`)),
      );
      child.send(work);
    });
    if ('failed' in made) throw new TemplateError(`${work.file}: MJML failed: ${made.failed}`);
    return made;
  } finally {
    child.kill();
  }
}

type Cell = { text: string; align: 'left' | 'right' };

/** A block as the template reads it: a table's cells carry their alignment, since Handlebars has no lookup by column. */
function shape(block: Block): object {
  if ('paragraph' in block) return { paragraph: { lines: block.paragraph.split('\n') } };
  if ('table' in block) return { table: cells(block.table) };
  return block;
}

function cells(table: Table): { head: Cell[]; rows: { cells: Cell[] }[] } {
  const cell = (text: string, column: number): Cell => ({ text, align: table.alignRight?.includes(column) ? 'right' : 'left' });
  return { head: table.columns.map(cell), rows: table.rows.map((row) => ({ cells: row.map(cell) })) };
}
