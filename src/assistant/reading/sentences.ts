/**
 * The customer's own words cut into sentences, so that a negation or a question stays in
 * its own: « Pouvez-vous m'envoyer la facture 1262 ? Je ne la retrouve plus. » asks the
 * PDF, whatever the second sentence denies. A sentence ends at a line's end, a `;`, a `?`
 * or `!`, and a `.` before a capital, unless the `.` closes an abbreviation (« Réf. », "No.",
 * « B.P. », "P.O.", « M. »): those go on with what they name.
 */
const END = /[?!;]+|\.(?=\s+\p{Lu})|\r?\n+/gu;
/** Words a `.` closes without ending a sentence. */
const ABBREVIATION = /(?:^|[\s(])(?:r[ée]f|n|no|nr|num|b\.?p|p\.?o|m|mme|mr|mrs|dr|st|cf|t[ée]l|ex|etc|vs|env|art)$/iu;

export function sentencesOf(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(END)) {
    const end = match.index + match[0].length;
    if (match[0] === '.' && ABBREVIATION.test(text.slice(Math.max(0, match.index - 6), match.index))) continue;
    sentences.push(text.slice(start, end));
    start = end;
  }
  sentences.push(text.slice(start));
  return sentences.map((sentence) => sentence.trim()).filter((sentence) => /[\p{L}\p{N}@]/u.test(sentence));
}
