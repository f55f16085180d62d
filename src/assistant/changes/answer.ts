import { normalise } from '../reading/tokens.js';

/**
 * How the owner answers an approval mail, read strictly: only its first line, yes only
 * when it says yes and no negation anywhere in it. "Non, je ne confirme pas", "pas
 * d'accord", "don't confirm" are a no; anything unclear is neither, and is asked again. A
 * sentence is never read as its opposite, and never as a yes by a guess; a question is no answer.
 */
const YES = new Set('oui ouais yes yep yeah sure ok okay accord daccord absolument absolutely exactement exactly'.split(' '));
/** Beginnings of words that say yes however they are conjugated: `confirme`, `confirmé`, `approuvé`, `validate`. */
const YES_STEMS = ['confirm', 'approuv', 'approv', 'valid'];
const NO = new Set('non no nope ne n pas not dont never jamais nullement aucunement stop'.split(' '));
const NO_STEMS = ['annul', 'refus', 'cancel', 'reject'];

export function readAnswer(text: string): boolean | null {
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  // "Oui ? C'est quoi ?" asks something: it approves nothing.
  if (firstLine.includes('?')) return null;
  const words = normalise(firstLine.slice(0, 200))
    .replace(/n[’']t\b/g, ' not')
    .split(/[^a-z]+/)
    .filter(Boolean);
  if (words.some((word) => NO.has(word) || NO_STEMS.some((stem) => word.startsWith(stem)))) return false;
  return words.some((word) => YES.has(word) || YES_STEMS.some((stem) => word.startsWith(stem))) ? true : null;
}
