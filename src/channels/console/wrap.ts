import wrapAnsi from 'wrap-ansi';

/**
 * Text wrapped at `width` columns on word boundaries, as a terminal shows it (a wide
 * character counts two: wrap-ansi measures with string-width). A word longer than the
 * line, such as a link, is left whole so that it stays one piece to copy. An unknown
 * width (output piped to a file or a program) leaves the text as it is.
 */
export function wrap(text: string, width: number): string {
  return Number.isFinite(width) && width > 0 ? wrapAnsi(text, width, { hard: false, trim: true }) : text;
}
