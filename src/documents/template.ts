import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Content, Margins, PageSize, Size, Style, StyleDictionary } from 'pdfmake/interfaces.js';
import { z } from 'zod';
import { Catalog, TemplateError } from '../templates/catalog.js';
import { isInside } from './paths.js';

/** Who issues the invoices, as `templates/invoice/provider.json` describes them. */
export interface Provider {
  name: string;
  address: string[];
  contact: string[];
  /** Printed at the bottom of every page: legal identifiers, bank details. */
  footer: string[];
}

/** Margins, widths and named styles of `templates/invoice/layout.json`, in pdfmake's terms: the invoice's, and the account statement's section. */
export interface InvoiceLayout {
  pageSize: PageSize;
  pageMargins: Margins;
  logoWidth: number;
  /** Widths of the columns label, quantity, unit price, amount. */
  lineColumnWidths: Size[];
  /** A pdfmake table layout name: `lightHorizontalLines`, `headerLineOnly`, `noBorders`. */
  linesTableLayout: string;
  totalsWidth: number;
  defaultStyle: Style;
  styles: StyleDictionary;
  statement: StatementLayout;
}

/** What the account statement adds to the invoice's layout: its tables' widths, and styles over the invoice's. */
export interface StatementLayout {
  /** Widths of the columns number, issue date, due date, days overdue, amount due. */
  unpaidColumnWidths: Size[];
  /** Widths of the columns number, issue date, paid on, amount. */
  paidColumnWidths: Size[];
  styles: StyleDictionary;
}

/**
 * Everything the invoice page and the account statement take from `templates/invoice/`, so
 * that rebranding or rewording them never touches `src/`. Loaded once: edits apply at the next start.
 */
export interface InvoiceTemplate {
  /** Every word on the pages and the file names, from `templates/invoice/messages/<locale>.json`. */
  catalog: Catalog;
  provider: Provider;
  layout: InvoiceLayout;
  /** The logo ready to place (SVG markup or an image data URL), or null without one. */
  logo: Content | null;
  brand: Brand;
}

/** The provider as a web page or a mail shows it: its name, its colours (`#rrggbb`, safe to write into CSS), its logo as a data URL and its contact lines. */
export interface Brand {
  name: string;
  colours: { primary: string; text: string; muted: string; background: string };
  logo: string | null;
  contact: string[];
}

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour as #rrggbb');

const providerSchema = z.object({
  name: z.string().min(1),
  address: z.array(z.string()).default([]),
  contact: z.array(z.string()).default([]),
  footer: z.array(z.string()).default([]),
  /** A file beside provider.json. */
  logo: z.string().min(1).optional(),
  /** The download page's colours; the defaults are the invoice layout's green and greys. */
  colours: z
    .object({ primary: colour.default('#0b6e4f'), text: colour.default('#1f2933'), muted: colour.default('#52606d'), background: colour.default('#f3f7f5') })
    .default({ primary: '#0b6e4f', text: '#1f2933', muted: '#52606d', background: '#f3f7f5' }),
});

const size = z.union([z.number().positive(), z.string().regex(/^(auto|\*|\d+(\.\d+)?%)$/)]);

const styles = z.record(z.string(), z.record(z.string(), z.unknown()));

const layoutSchema = z.object({
  pageSize: z.string().min(1),
  pageMargins: z.union([z.number(), z.tuple([z.number(), z.number()]), z.tuple([z.number(), z.number(), z.number(), z.number()])]),
  logoWidth: z.number().positive(),
  lineColumnWidths: z.tuple([size, size, size, size]),
  linesTableLayout: z.string().min(1),
  totalsWidth: z.number().positive(),
  // pdfmake ignores style properties it does not know, so only their shape is checked here.
  defaultStyle: z.record(z.string(), z.unknown()),
  styles,
  statement: z.object({
    unpaidColumnWidths: z.tuple([size, size, size, size, size]),
    paidColumnWidths: z.tuple([size, size, size, size]),
    styles,
  }),
});

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

/** Reads `templates/invoice/`; a missing or malformed file stops start-up with its name and the problem. */
export async function loadInvoiceTemplate(templatesDir: string): Promise<InvoiceTemplate> {
  const dir = path.join(templatesDir, 'invoice');
  const { logo, colours, ...provider } = await readJson(path.join(dir, 'provider.json'), providerSchema);
  const layout = (await readJson(path.join(dir, 'layout.json'), layoutSchema)) as InvoiceLayout;
  const placed = logo === undefined ? null : await loadLogo(dir, logo, layout.logoWidth);
  return {
    catalog: await Catalog.load(dir),
    provider,
    layout,
    logo: placed?.content ?? null,
    brand: { name: provider.name, colours, logo: placed?.dataUrl ?? null, contact: provider.contact },
  };
}

async function readJson<T extends z.ZodType>(file: string, schema: T): Promise<z.output<T>> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new TemplateError(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new TemplateError(`${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * The logo is read here and handed to pdfmake inline, rather than as a path, so that its
 * bytes are part of the page definition the render cache hashes, and pdfmake itself
 * never reads anything but the fonts.
 */
async function loadLogo(dir: string, name: string, width: number): Promise<{ content: Content; dataUrl: string }> {
  const file = path.resolve(dir, name);
  if (!isInside(dir, file)) throw new TemplateError(`${path.join(dir, 'provider.json')}: the logo must be inside ${dir}`);
  const extension = path.extname(file).toLowerCase();
  const bytes = await readFile(file);
  if (extension === '.svg') return { content: { svg: bytes.toString('utf8'), width }, dataUrl: `data:image/svg+xml;base64,${bytes.toString('base64')}` };
  const type = IMAGE_TYPES[extension];
  if (!type) throw new TemplateError(`${file}: a logo is an SVG, PNG or JPEG file`);
  const dataUrl = `data:${type};base64,${bytes.toString('base64')}`;
  return { content: { image: dataUrl, width }, dataUrl };
}
