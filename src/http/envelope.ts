import { pdfFileName, tooLarge, type PdfFinder } from '../import/pdfs.js';
import { invoiceNumber } from '../billing/numbers.js';

/**
 * What `facteur import FILE --pdfs DIR` sends a running service: the file and the folder's
 * PDFs together, as one JSON body `{"file": base64, "pdfs": {"<file name>": base64},
 * "tooLarge": {"<file name>": bytes}}`, so that the service checks and keeps each PDF with its
 * invoice, in the same import. The folder's PDFs that name no invoice of the file are not sent
 * (see `folderPdfsFor`), but named (`others`, for the report to say so), as are those over the limit.
 */
export class ImportEnvelope {
  private constructor(
    readonly file: Buffer,
    private readonly pdfs: Map<string, Buffer>,
    private readonly tooLarge: Map<string, number>,
    private readonly maxBytes: number,
    private readonly others: string[],
  ) {}

  /** The envelope in a request's body, or why it is none. */
  static read(body: Buffer, maxBytes: number): ImportEnvelope | string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return `the body is not the JSON of an import with PDFs (${(error as Error).message})`;
    }
    const { file, pdfs, tooLarge: large, others } = (parsed ?? {}) as { file?: unknown; pdfs?: unknown; tooLarge?: unknown; others?: unknown };
    if (typeof file !== 'string' || typeof pdfs !== 'object' || pdfs === null)
      return 'expected {"file": base64, "pdfs": {"<number>.pdf": base64}, "tooLarge": {"<number>.pdf": bytes}}';
    const entries = Object.entries(pdfs).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    const sizes = Object.entries(typeof large === 'object' && large !== null ? large : {}).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number',
    );
    return new ImportEnvelope(
      Buffer.from(file, 'base64'),
      new Map(entries.map(([name, bytes]) => [name, Buffer.from(bytes, 'base64')])),
      new Map(sizes),
      maxBytes,
      Array.isArray(others) ? others.filter((name): name is string => typeof name === 'string') : [],
    );
  }

  static write(file: Buffer, found: { pdfs: Map<string, Buffer>; tooLarge: Map<string, number>; others: string[] }): string {
    return JSON.stringify({
      file: file.toString('base64'),
      pdfs: Object.fromEntries([...found.pdfs].map(([name, bytes]) => [name, bytes.toString('base64')])),
      tooLarge: Object.fromEntries(found.tooLarge),
      others: found.others,
    });
  }

  get names(): string[] {
    return [...this.pdfs.keys(), ...this.tooLarge.keys(), ...this.others];
  }

  readonly find: PdfFinder = async (written) => {
    const names = [pdfFileName(written), pdfFileName(invoiceNumber(written) ?? written)];
    const large = names.find((name) => this.tooLarge.has(name));
    if (large) throw tooLarge(large, this.tooLarge.get(large)!, this.maxBytes);
    return names.map((name) => this.pdfs.get(name)).find(Boolean) ?? null;
  };
}
