import { escapeMarkdown } from 'discord.js';

/**
 * Plain text as Discord must show it where Markdown renders (message content, embed titles,
 * descriptions, field names and values): every Markdown sign escaped, so that it reads as
 * written. Facteur's sentences are plain text (templates/ hold no Markdown), and so is what
 * they carry from data or from a customer — a line label, a name, a subject, the customer's
 * own words echoed back — which must never become a masked link (`[Payez ici](https://…)`),
 * a heading or bold type in an official-looking answer. Where Discord shows text as it is
 * (button and select-option labels, placeholders, autocomplete choices, code blocks), text
 * is left alone: escaping there would show the backslashes.
 *
 * Mentions are not Markdown: they are kept from pinging by `allowed_mentions` on every message.
 */
export function plain(text: string): string {
  const escaped = escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true });
  // Block quotes (`> `, `>>> `) and small text (`-# `), which escapeMarkdown leaves, begin a line.
  return escaped.replace(/^([ \t]*)(>|-#)/gm, '$1\\$2');
}

/** Every message Facteur sends mentions nobody: `@everyone`, a role or a user in data or in a customer's words never pings. */
export const NO_MENTIONS: { parse: [] } = { parse: [] };
