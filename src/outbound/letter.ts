import { payHost } from '../billing/pay-link.js';
import type { Locale } from '../billing/types.js';
import { renderTable, type Table } from '../templates/table.js';

/** One piece of a letter, in reading order. */
export type Block =
  /** A paragraph; `\n` inside it breaks the line. */
  | { paragraph: string }
  | { table: Table }
  /** A download link: the sentence, then the address written out, so that what the customer clicks is what they read. */
  | { link: { sentence: string; url: string } }
  /** The sentences a customer may reply with (« facture 1266 »…), under a heading. */
  | { hints: { title: string; items: string[] } }
  /** A button to an invoice's pay page (« Payer la facture 1266 »), with the page's host under it (`where`), so that a reader sees where it leads. */
  | { pay: { label: string; url: string; where: string } };

/**
 * What a mail to a customer says, already worded from the templates and free of any
 * layout: the mail layout makes its HTML part from it, and `letterText` its text part,
 * so that both parts say the same.
 */
export interface Letter {
  locale: Locale;
  blocks: Block[];
  signature: string;
}

/** Paragraphs of worded text as blocks: a blank line starts a new paragraph, as it does in the text part. */
export function paragraphs(...texts: string[]): Block[] {
  return texts
    .flatMap((text) => text.split(/\n{2,}/))
    .filter((text) => text.trim() !== '')
    .map((paragraph) => ({ paragraph }));
}

/** A pay button for this link, with where it leads, worded by `where` from the page's host. */
export function payBlock(link: { label: string; url: string }, where: (host: string) => string): Block {
  return { pay: { label: link.label, url: link.url, where: where(payHost(link.url)) } };
}

/** The letter as plain text: paragraphs apart, the table in aligned columns, then the signature and `footer`. */
export function letterText(letter: Letter, footer: string): string {
  const blocks = letter.blocks.map((block) => {
    if ('paragraph' in block) return block.paragraph;
    if ('table' in block) return renderTable(block.table);
    if ('link' in block) return `${block.link.sentence}\n${block.link.url}`;
    if ('pay' in block) return `${block.pay.label}\n${block.pay.url}`;
    return [block.hints.title, ...block.hints.items.map((item) => `• ${item}`)].join('\n');
  });
  return [...blocks, letter.signature, footer].join('\n\n');
}
