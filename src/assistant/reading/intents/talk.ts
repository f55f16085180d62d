import type { Clause } from '../clause.js';
import type { Role } from '../words.js';
import type { Sentence } from '../sentence.js';
import { INVOICE_ROLES } from './invoices.js';

/** A question for the support team: a site down, DNS, prices… with no invoice in it (a number there is an error's or a price's). */
export function offTopic(s: Sentence): boolean {
  const c = s.clause;
  if (INVOICE_ROLES.some((role) => c.has(role))) return false;
  // "mon site est coupé, combien je dois ?": what is owed, whatever else is said.
  if (c.has('owe') || c.has('must') || (c.hasWord('combien', 'much') && c.has('pay'))) return false;
  // "combien coûte un certificat SSL ?", "how much is an SSL certificate": a price, not a balance.
  const price = c.hasWord('combien', 'much') && c.hasWord('coute', 'coutent', 'cost', 'costs', 'prix', 'price', 'is') && s.numbers.length === 0;
  return c.has('offTopic') || price;
}

/** What can you do: help words (not inside a thanks), or "que sais-tu faire", "what can you do". */
export function asksHelp(c: Clause): boolean {
  if (c.has('help')) return !(smallTalk(c) === 'thanks' && !c.asks());
  return (
    c.asks() && c.hasWord('faire', 'do') && c.hasWord('sais', 'peux', 'pouvez', 'savez', 'pouvez-vous', 'peux-tu', 'savez-vous', 'sais-tu', 'can', 'could')
  );
}

/** A bare `1`, `2`… answering the choices offered. */
export function choice(c: Clause): number | null {
  const around: (Role | null)[] = ['filler', 'choice', 'numberMark', 'thanks', 'ok'];
  const [only, ...rest] = c.tokens.filter((t) => !(t.kind === 'word' && around.includes(t.role)));
  return rest.length === 0 && only?.kind === 'number' && /^[1-9]$/.test(only.value) ? Number(only.value) : null;
}

export function smallTalk(c: Clause): 'hello' | 'thanks' | 'bye' | 'ok' | null {
  for (const kind of ['bye', 'thanks', 'ok', 'hello'] as const) if (c.has(kind)) return kind;
  // "à plus", "à bientôt"
  if (c.hasWord('plus') && c.words().every((w) => w.role === 'filler' || w.word === 'plus' || w.word === 'tard')) return 'bye';
  return null;
}
