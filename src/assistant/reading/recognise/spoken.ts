import { toCardinal as english } from 'n2words/en-US';
import { toCardinal as french } from 'n2words/fr-FR';

/**
 * Invoice numbers said in words: « mille deux cent quatre-vingt-trois », « douze cent
 * soixante-dix-sept », "twelve eighty-eight" (said in pairs, like a year), "one two six six"
 * (digit by digit). How each language spells 0 to 99 comes from n2words, a maintained
 * speller of numbers in 71 languages; this recogniser only composes them with the words of
 * hundreds and thousands, pairs and digits. Numbers under 100 are left as words: « trois »
 * in « les trois dernières » counts, it names no invoice.
 */

/** The words of 0–99 in French and English (lower case, no accents, words apart), each with its value; built at first use. */
let numbers: Map<string, number> | undefined;
const SCALES: Record<string, 100 | 1000> = { cent: 100, cents: 100, hundred: 100, mille: 1000, mil: 1000, thousand: 1000 };
/** Words in a number of words, at most, in one value (« quatre vingt dix sept »). */
const LONGEST = 4;

function plain(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function vocabulary(): Map<string, number> {
  if (!numbers) {
    numbers = new Map();
    for (let n = 0; n < 100; n++)
      for (const spell of [french, english])
        numbers.set(
          plain(spell(n))
            .split(/[\s-]+/)
            .join(' '),
          n,
        );
  }
  return numbers;
}

const WORD = /\p{L}+(?:-\p{L}+)*/gu;

/** The text with each number said in words that is 100 or more written in digits; the rest as it was. */
export function spokenNumbers(text: string): string {
  const words = [...text.matchAll(WORD)].flatMap((m) =>
    m[0].split('-').map((part, k, all) => ({ word: plain(part), start: m.index + all.slice(0, k).join('-').length + (k > 0 ? 1 : 0), length: part.length })),
  );
  if (!words.some((w) => SCALES[w.word] !== undefined || vocabulary().has(w.word))) return text;
  let out = '';
  let at = 0;
  for (let i = 0; i < words.length;) {
    const span = spanAt(
      words.map((w) => w.word),
      i,
    );
    const value = span && valueOf(span.parts);
    if (span && value !== undefined && value >= 100) {
      const [first, last] = [words[i]!, words[span.end - 1]!];
      out += text.slice(at, first.start) + String(value);
      at = last.start + last.length;
      i = span.end;
    } else i++;
  }
  return out + text.slice(at);
}

type Part = { value: number } | { scale: 100 | 1000 };

/** The longest run of number words from `i`, each value read as the longest phrase it can be (« soixante dix sept » is 77, not 60, 10, 7). */
function spanAt(words: string[], i: number): { parts: Part[]; end: number } | undefined {
  const parts: Part[] = [];
  let j = i;
  while (j < words.length) {
    const scale = SCALES[words[j]!];
    if (scale) {
      parts.push({ scale });
      j++;
      continue;
    }
    let found: { value: number; length: number } | undefined;
    for (let n = Math.min(LONGEST, words.length - j); n >= 1 && !found; n--) {
      const value = vocabulary().get(words.slice(j, j + n).join(' '));
      if (value !== undefined) found = { value, length: n };
    }
    // « soixante et onze »: "et" inside a number only.
    if (!found && words[j] === 'et' && parts.length > 0 && vocabulary().has(`${words[j - 1]} et ${words[j + 1]}`)) {
      j++;
      continue;
    }
    if (!found) break;
    parts.push({ value: found.value });
    j += found.length;
  }
  return parts.length > 0 ? { parts, end: j } : undefined;
}

/** What the run says: with hundreds or thousands, their sum; without, digit by digit (three or more) or two pairs ("twelve eighty-eight"). */
function valueOf(parts: Part[]): number | undefined {
  if (parts.some((p) => 'scale' in p)) {
    let total = 0;
    let current = 0;
    for (const part of parts) {
      if ('value' in part) current += part.value;
      else if (part.scale === 100) current = (current || 1) * 100;
      else {
        total += (current || 1) * 1000;
        current = 0;
      }
    }
    return total + current;
  }
  const values = parts.map((p) => (p as { value: number }).value);
  if (values.length >= 3 && values.every((v) => v < 10)) return Number(values.join(''));
  if (values.length === 2 && values.every((v) => v >= 10)) return values[0]! * 100 + values[1]!;
  return undefined;
}
