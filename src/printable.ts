/** Characters a terminal acts on rather than shows: C0 and C1 controls (ESC starts colour, title and clipboard sequences) and bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const ACTIVE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text as a terminal may receive it: every character a terminal would act on is shown as
 * its code (`\u{1b}`), so that customer text, invoice fields or a command-line argument can
 * neither recolour, retitle nor rewrite the operator's screen. Lines and tabs stay.
 */
export function printable(text: string): string {
  return text.replace(ACTIVE, (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`);
}
