/**
 * A payment notice pasted in a message: a mobile-money SMS (Orange Money, MTN MoMo), a bank's
 * receipt or transfer notice (« Transfert de 25000 FCFA vers … Solde: 12 500 FCFA », "TRANSFER
 * RECEIPT … Narrative: Facture 1283"). It is the customer's evidence, never her request: its
 * balance, amounts, phone numbers, transaction ids and dates ask nothing. It may say which
 * invoice was paid, in a field that names one (« Ref. facture: 1286 », « Motif: FACT 1268 »,
 * "Narrative: Facture 1283").
 */

/** A sentence a customer writes herself (« j'ai fait un virement de 75 128 XAF »), which a notice's wording never starts with. */
const FIRST_PERSON = /^(?:j['’]|je\b|nous\b|on\b|i\b|i['’]|we\b|my\b|mon\b|ma\b|mes\b|notre\b|our\b)/i;
const AMOUNT = String.raw`\d[\d\s.,]*\s?(?:f\s?cfa|fcfa|xaf|f)\b`;

/** Lines only a notice holds: its balance, its transaction id, its operator's wording, a bank's title. */
const NOTICE_MARKS = [
  /\b(?:nouveau\s+)?solde\s*:|\b(?:new\s+|available\s+)?balance\s*:/i,
  // With its colon: « transaction ID 7741023658 » in her own sentence is hers.
  /\b(?:trans(?:action)?|txn)\.?\s*id\s*:|\bid\s+(?:de\s+)?transaction\s*:|\bid\s*:\s*[a-z0-9]+[.-]\w/i,
  new RegExp(String.raw`\b(?:transfert|paiement|retrait|d[ée]p[ôo]t)\s+de\s+${AMOUNT}`, 'i'),
  /\bvous\s+avez\s+(?:pay[ée]|envoy[ée]|transf[ée]r[ée]|re[çc]u)\s+\d|\byou\s+have\s+(?:sent|paid|transferred|received)\s+\d|\by['’]ello\b/i,
  /^\[(?:orange\s+money|mtn|momo|om)\b[^\]]*\]|\borange\s+money\s+vous\s+remercie\b|\b(?:momo|mtn|om)\s+ref\b/i,
  /\b(?:transfer\s+receipt|payment\s+confirmation|confirmation\s+de\s+paiement|avis\s+d['’]op[ée]ration|avis\s+de\s+(?:virement|d[ée]bit|cr[ée]dit)|re[çc]u\s+de\s+(?:paiement|virement))\b/i,
];

/** A field of a bank's notice, on a line of its own (`Montant : 75 128 XAF`, `Beneficiary: HEBERGEUR SA`). */
const FIELD =
  /^(?:date|date\s+de\s+valeur|value\s+date|r[ée]f(?:[ée]rence)?\.?(?:\s+(?:op[ée]ration|transaction|facture))?|reference|debit\s+account|compte\s+d[ée]bit[ée]|beneficiary|b[ée]n[ée]ficiaire|montant|amount|narrative|libell[ée]|motif|frais|fees?|txn\s+id|trans\s+id)\s*:/i;

/** A bank's or an operator's name as a notice's heading, in capitals (`AFRILAND FIRST BANK`, `SOCIETE GENERALE CAMEROUN`). */
const HEADING = /^(?=[^\p{Ll}]*$)(?=.*(?:BANK|BANQUE|MONEY|MOMO|MTN|ORANGE|UBA|AFRILAND|ECOBANK|BICEC|SOCI[EÉ]T[EÉ]|RECEIPT|RE[CÇ]U|AVIS))/u;

/** Fields that say what a payment was for: an invoice's number in them is the invoice paid. */
const PURPOSE =
  /\b(?:r[ée]f(?:[ée]rence)?\.?\s+(?:de\s+(?:la\s+)?)?facture|invoice\s+(?:ref(?:erence)?|no\.?|number)|motif|narrative|libell[ée]|objet|description|memo|purpose|reason)\s*:\s*([^\n]*)/i;
/** An invoice number in a purpose: alone, or after « facture », « fact », "inv", « n° ». */
const PURPOSE_NUMBER = /(?:^|[\s:,;(])(?:(?:factures?|fact|fac|invoices?|inv)\.?\s*)?(?:n[°o]\.?\s*)?(\d{3,8})(?=$|[\s.,;)])/gi;

/** Whether the line can only come from a notice. */
function marks(line: string): boolean {
  return !FIRST_PERSON.test(line) && NOTICE_MARKS.some((mark) => mark.test(line));
}

/**
 * The lines (by index) that are a pasted notice: a run of marked lines, fields and headings
 * (blank lines between them) with at least one marked line or two fields; the customer's
 * lines around it stay hers, and a message of nothing else is hers.
 */
export function noticeLines(lines: string[]): Set<number> {
  const found = new Set<number>();
  let run: number[] = [];
  let strong = 0;
  let fields = 0;
  const close = () => {
    if (strong > 0 || fields >= 2) for (const i of run) found.add(i);
    [run, strong, fields] = [[], 0, 0];
  };
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (marks(line)) strong++;
    else if (FIELD.test(line)) fields++;
    else if (!HEADING.test(line)) return close();
    run.push(i);
  });
  close();
  // « Paid 45,000 XAF by MTN MoMo for invoice 1288, transaction ID 1260887411. »: with nothing else, those are her own words.
  return found.size === lines.filter((line) => line.trim() !== '').length ? new Set() : found;
}

/** The invoice numbers a notice's lines name as what was paid (« Ref. facture: 1286 », "Narrative: Facture 1283"), in order. */
export function noticeReferences(lines: string[]): string[] {
  const numbers: string[] = [];
  for (const line of lines) {
    // An SMS holds its fields on one line, each ending with a full stop (not the abbreviation's of « Ref. facture »).
    for (const field of line.split(/(?<!\br[ée]f)\.\s+/i)) {
      const purpose = PURPOSE.exec(field)?.[1];
      if (purpose) for (const match of purpose.matchAll(PURPOSE_NUMBER)) if (!numbers.includes(match[1]!)) numbers.push(match[1]!);
    }
  }
  return numbers;
}
