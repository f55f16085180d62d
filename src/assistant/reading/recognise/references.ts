import type { Clause } from '../clause.js';

/**
 * Words that say the number after them is a reference, not an invoice's: « Réf. », "PO",
 * « bon de commande », an order, a ticket, a contract, a file, a receipt, a transaction, a
 * transfer, the company's RCCM or NIU, a customer number. A marker wins over the customer
 * happening to own the number (« notre Réf. 1245 — merci de m'envoyer la facture du 3e trimestre »).
 */
const MARKERS = new Set(
  'ref reference references po commande order ticket contrat contract dossier file client customer recu receipt transaction transactions id rccm niu virement transfer mandat cheque account compte'.split(
    ' ',
  ),
);
/** What may stand between a marker and its number: « n° », "no.", « de », a payment service's name (« transaction MoMo 1286553402 »). */
const BETWEEN = new Set([
  'n',
  'no',
  'nr',
  'numero',
  'num',
  'number',
  'de',
  'd',
  'du',
  'client',
  'is',
  'est',
  'c',
  'momo',
  'mtn',
  'orange',
  'money',
  'bancaire',
  'bank',
  'our',
  'notre',
  'mon',
  'my',
  'votre',
  'your',
  'id',
]);
/** Prefixes of references written with their number: `VIR-1263`, `CMD-1270`, `AUD/2026/1268`, `RC/DLA/…`, a postcode `CH-1201`. */
const PREFIXED = /^(?:vir|cmd|aud|rc|niu|po|ref|tkt|tck|ord|bc)[-/_.]|^[a-z]{1,2}-\d{4,5}$/i;

/**
 * The number tokens of the sentence that are references: after a marker, written with a
 * reference's prefix, or the tail of a reference (« reçu n° 1262-0045 »). They are no invoice
 * numbers, and a sentence naming only them names no invoice.
 */
export function referencesIn(clause: Clause): Set<number> {
  const { tokens } = clause;
  const found = new Set<number>();
  tokens.forEach((t, i) => {
    if (t.kind !== 'number') return;
    if (PREFIXED.test(t.value)) found.add(i);
    for (let j = i - 1; j >= Math.max(0, i - 4); j--) {
      const u = tokens[j]!;
      if (u.kind === 'word' && MARKERS.has(u.corrected ?? u.word)) {
        found.add(i);
        break;
      }
      if (!(u.kind === 'word' && (BETWEEN.has(u.word) || u.role === 'numberMark' || u.role === null))) break;
    }
    // « 1262-0045 »: the rest of a reference after its dash.
    if (found.has(i - 2) && tokens[i - 1]?.kind === 'dash') found.add(i);
  });
  return found;
}
