import { createHash } from 'node:crypto';

/** Characters of an invoice number kept in a file name; a longer one is cut, and named apart by a hash of the whole. */
const MAX_NAME = 60;

/**
 * An invoice number as it may appear in a file name: letters, digits, `.`, `_` and `-`
 * only (`INV/2024/1` becomes `INV-2024-1`), no `..` and no leading dot, and short, whatever
 * an older store or a hand-edited file holds.
 */
export function safeName(text: string): string {
  const plain = text
    .replace(/\//g, '-')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^[.]+/, '_');
  if (plain.length <= MAX_NAME) return plain;
  return `${plain.slice(0, MAX_NAME - 9)}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
}

/** Names given once each in an archive: a second `facture-INV-1.pdf` becomes `facture-INV-1-2.pdf`. */
export class UniqueNames {
  private readonly taken = new Set<string>();

  take(name: string): string {
    const dot = name.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}${extension}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
