import { LOCALES, type Locale } from '../billing/types.js';

/**
 * The vocabulary of the command language, in both languages, after normalisation
 * (lower case, no accents). A word belongs to one role; its language, when it has
 * one, votes for the language of the reply.
 */
export type Role =
  | 'help'
  | 'list'
  | 'one'
  | 'details'
  | 'zip'
  | 'notifications'
  | 'attachments'
  | 'chat'
  | 'resend'
  | 'address'
  | 'confirm'
  | 'next'
  | 'previous'
  | 'all'
  | 'on'
  | 'off'
  | 'unpaid'
  | 'paid'
  | 'cancelled'
  | 'numberMark'
  | 'from'
  | 'to'
  | 'filler';

type Entry = [role: Role, locale: Locale | null];

const fr = (role: Role, words: string): [string, Entry][] => words.split(' ').map((w) => [w, [role, 'fr']]);
const en = (role: Role, words: string): [string, Entry][] => words.split(' ').map((w) => [w, [role, 'en']]);
const both = (role: Role, words: string): [string, Entry][] => words.split(' ').map((w) => [w, [role, null]]);

/**
 * Builds the lookup; a word listed in both languages for the same role (`me`, `a`)
 * votes for neither.
 */
function vocabulary(entries: [string, Entry][]): Map<string, Entry> {
  const words = new Map<string, Entry>();
  for (const [word, [role, locale]] of entries) {
    const known = words.get(word);
    words.set(word, known && known[0] === role && known[1] !== locale ? [role, null] : [role, locale]);
  }
  return words;
}

export const WORDS = vocabulary([
  ...fr('help', 'aide aider commandes'),
  ...en('help', 'help commands'),
  ...both('help', '?'),
  ...fr('list', 'factures liste lister'),
  ...en('list', 'invoices bills list'),
  ...fr('resend', 'renvoyer renvoie renvoyez renvoi'),
  ...en('resend', 'resend'),
  ...fr('one', 'facture'),
  ...en('one', 'invoice bill'),
  ...both('one', 'pdf'),
  ...both('details', 'details detail'),
  ...fr('details', 'detaille detailler'),
  ...both('zip', 'zip archive'),
  ...both('notifications', 'notifications notification notif'),
  ...fr('attachments', 'pieces-jointes piece-jointe pj'),
  ...en('attachments', 'attachments attachment attach'),
  ...both('chat', 'discord dm dms'),
  ...fr('chat', 'mp prive prives'),
  ...fr('address', 'adresse courriel'),
  ...en('address', 'address'),
  ...both('address', 'email e-mail mail'),
  ...fr('confirm', 'confirmer confirme confirmation'),
  ...en('confirm', 'confirm'),
  ...fr('next', 'suivant suivante suivants suite'),
  ...en('next', 'next more'),
  ...fr('previous', 'precedent precedente precedents'),
  ...en('previous', 'previous prev back'),
  ...fr('all', 'tout toutes tous'),
  ...en('all', 'all every'),
  ...fr('on', 'oui activer active activees'),
  ...en('on', 'on yes enable enabled'),
  ...fr('off', 'non desactiver desactive desactivees'),
  ...en('off', 'off disable disabled'),
  ...fr('unpaid', 'impayee impayees impaye impayes'),
  ...en('unpaid', 'unpaid outstanding'),
  ...fr('paid', 'payee payees paye payes reglee reglees'),
  ...en('paid', 'paid settled'),
  ...fr('cancelled', 'annulee annulees annule annules'),
  ...en('cancelled', 'cancelled canceled'),
  ...fr('numberMark', 'n numero num'),
  ...both('numberMark', 'no'),
  ...en('numberMark', 'number nr'),
  ...fr('from', 'du depuis entre'),
  ...en('from', 'from since between'),
  ...fr('to', 'au jusqu'),
  ...en('to', 'to until till'),
  ...fr(
    'filler',
    'bonjour bonsoir salut merci svp stp plait vous vous-plait pouvez-vous pourriez-vous pouvez pourriez voudrais veux souhaite ' +
      'envoyer envoyez envoie envoyez-moi montrer montrez affiche afficher voir donner donnez moi m me mes ma mon la le les l de d des en une un sur ' +
      'et a avec pour cordialement je j ai besoin s il si ce cette ces votre vos nos notre',
  ),
  ...en(
    'filler',
    'hello hi dear thanks thank please could would can you send me show give get my the a an of for in as with and i need want your our this these',
  ),
]);

const MONTH_NAMES: Record<Locale, string[]> = {
  fr: 'janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre'.split(' '),
  en: 'january february march april may june july august september october november december'.split(' '),
};

/**
 * The month a word names: a month's name or any start of it of three letters or more
 * (`janv`, `sept`, `feb`), as long as it points to one month only (`jui` does not).
 */
export function monthOf(word: string): { month: number; locale: Locale | null } | undefined {
  if (word.length < 3) return undefined;
  const matches = LOCALES.flatMap((locale) => MONTH_NAMES[locale].flatMap((name, i) => (name.startsWith(word) ? [{ month: i + 1, locale }] : [])));
  if (matches.length === 0 || matches.some((m) => m.month !== matches[0]!.month)) return undefined;
  return { month: matches[0]!.month, locale: matches.every((m) => m.locale === matches[0]!.locale) ? matches[0]!.locale : null };
}
