import { LOCALES, type Locale } from '../../billing/types.js';

/**
 * The vocabulary of the command language, in both languages, after normalisation
 * (lower case, no accents). A word belongs to one role; its language, when it has
 * one, votes for the language of the reply.
 */
export type Role =
  | 'help'
  | 'list'
  /** « facture », "invoice", "bill": one invoice named by its noun (the plural is 'list'). */
  | 'singularInvoice'
  | 'details'
  | 'zip'
  | 'notifications'
  | 'attachments'
  | 'pdf'
  | 'chat'
  /** Payment reminders, as a setting customers turn off and on. */
  | 'reminders'
  | 'resend'
  | 'address'
  /** Invoice contacts, who get a copy of each invoice mail: « en copie », "cc". */
  | 'contact'
  | 'add'
  /** Giving a contact leave to ask: « autorisez … à demander », "allow … to ask". */
  | 'allow'
  | 'confirm'
  | 'code'
  | 'next'
  | 'previous'
  | 'all'
  | 'on'
  | 'off'
  | 'unpaid'
  | 'paid'
  | 'cancelled'
  | 'overdue'
  | 'owe'
  /** The account statement: a PDF of what is owed (and, asked, what was paid in a period). */
  | 'statement'
  | 'must'
  | 'pay'
  | 'file'
  | 'amount'
  | 'due'
  | 'numberMark'
  /** Words around the number of a reading picked among those offered (`choix 2`, `option 1`). */
  | 'choice'
  | 'from'
  | 'to'
  | 'before'
  | 'between'
  | 'and'
  | 'negation'
  | 'more'
  | 'without'
  | 'with'
  | 'stop'
  | 'want'
  | 'send'
  | 'new'
  | 'last'
  | 'penultimate'
  | 'first'
  | 'oldest'
  | 'this'
  | 'ago'
  | 'unit'
  | 'quarter'
  | 'half'
  /** A fiscal year (« exercice », "FY"): the calendar year unless FISCAL_YEAR_START says otherwise. */
  | 'fiscal'
  | 'count'
  | 'ordinal'
  | 'hello'
  | 'thanks'
  | 'bye'
  | 'ok'
  | 'offTopic'
  | 'question'
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
  ...fr('help', 'aide aider commandes fonctionne marche fonctionnalites sers servir utiliser demander options'),
  ...en('help', 'help commands features use options ask'),
  ...fr('list', 'factures liste lister historique'),
  ...en('list', 'invoices bills list history'),
  ...fr('resend', 'renvoyer renvoie renvoyez renvoi renvoies'),
  ...en('resend', 'resend'),
  ...fr('singularInvoice', 'facture fact'),
  ...en('singularInvoice', 'invoice bill'),
  ...both('pdf', 'pdf pdfs'),
  ...both('details', 'details detail'),
  ...fr('details', 'detaille detailler lignes contenu'),
  ...en('details', 'lines breakdown'),
  ...both('zip', 'zip zipped zippe archive'),
  ...fr('zip', 'compresse seul'),
  ...en('zip', 'archived single'),
  ...fr('file', 'fichier'),
  ...en('file', 'file'),
  ...both('notifications', 'notifications notification notif notifs'),
  ...fr('attachments', 'pieces-jointes piece-jointe pj joindre joint jointe jointes joints'),
  ...en('attachments', 'attachments attachment attach attached attaching'),
  ...both('chat', 'discord dm dms'),
  ...fr('chat', 'mp prive prives privee'),
  ...fr('reminders', 'rappels rappel relances relance'),
  ...en('reminders', 'reminders reminder'),
  ...both('contact', 'contact contacts cc'),
  ...fr('contact', 'copie'),
  ...fr('add', 'ajouter ajoutez ajoute ajoutes rajouter rajoutez'),
  ...en('add', 'add'),
  ...fr('allow', 'autoriser autorisez autorise permettre permettez'),
  ...en('allow', 'allow allowed permit'),
  ...fr('address', 'adresse courriel'),
  ...en('address', 'address'),
  ...both('address', 'email e-mail mail emails mails'),
  ...fr('confirm', 'confirmer confirme'),
  ...both('confirm', 'confirmation'),
  ...en('confirm', 'confirm'),
  ...both('code', 'code'),
  ...fr('next', 'suivant suivante suivants suivantes suite autres'),
  ...en('next', 'next rest'),
  ...fr('previous', 'precedent precedente precedents precedentes arriere retour revenir'),
  ...en('previous', 'previous prev back'),
  ...fr('all', 'tout toutes tous toute ensemble'),
  ...en('all', 'all every everything'),
  ...fr('on', 'oui activer active activees activez reactiver'),
  ...en('on', 'on yes enable enabled'),
  ...fr('off', 'desactiver desactive desactivees desactivez retirer retirez retiriez enlever enlevez supprimer supprimez couper coupez suspendre suspendez'),
  ...en('off', 'off disable disabled remove mute'),
  ...fr('unpaid', 'impayee impayees impaye impayes'),
  ...en('unpaid', 'unpaid outstanding owing'),
  ...fr('paid', 'payee payees paye payes reglee reglees regle regles acquittee acquittees soldee soldees soldes'),
  ...en('paid', 'paid settled'),
  ...fr('cancelled', 'annulee annulees annule annules'),
  ...en('cancelled', 'cancelled canceled'),
  ...fr('overdue', 'retard echue echues echu echus depassee depassees'),
  ...en('overdue', 'overdue late'),
  ...fr('owe', 'solde dette dettes ardoise arrieres'),
  ...en('owe', 'owe owed balance debt'),
  ...fr('statement', 'releve releves'),
  ...en('statement', 'statement statements'),
  ...fr('must', 'dois doit devons devez reste restent jdois jdoi'),
  ...en('must', 'left remaining must'),
  ...fr('pay', 'payer regler acquitter'),
  ...en('pay', 'pay settle'),
  ...fr('amount', 'montant prix coute tva taxe taxes service periode'),
  ...en('amount', 'amount total cost vat tax service period'),
  ...fr('due', 'echeance'),
  ...en('due', 'due'),
  ...fr('numberMark', 'numero num'),
  ...fr('choice', 'choix option reponse'),
  ...en('choice', 'choice option answer'),
  ...en('numberMark', 'nr'),
  ...fr('filler', 'facteur page pages'),
  ...en('filler', 'facteur page pages show give tell see look let good'),
  ...en('numberMark', 'number'),
  ...fr('from', 'depuis partir'),
  ...en('from', 'since'),
  ...fr('to', 'au jusqu jusque'),
  ...en('to', 'to until till through'),
  ...fr('before', 'avant'),
  ...en('before', 'before'),
  ...fr('between', 'entre'),
  ...en('between', 'between from'),
  ...fr('and', 'et'),
  ...en('and', 'and'),
  ...fr('negation', 'non pas ne jamais aucun aucune ni'),
  ...en('negation', 'not never nope no'),
  ...fr('more', 'plus'),
  ...en('more', 'anymore longer more'),
  ...fr('without', 'sans'),
  ...en('without', 'without'),
  ...fr('with', 'avec'),
  ...en('with', 'with'),
  ...fr('stop', 'arreter arretez arrete arret cesser cessez'),
  ...en('stop', 'stop quit'),
  ...fr('want', 'veux voudrais souhaite souhaiterais aimerais desire jveux jvx vx'),
  ...en('want', 'want like wish'),
  ...fr(
    'send',
    'envoyer envoyez envoie envoyes envoyees recevoir recois recoive transmettre transmettez avoir obtenir prevenir prevenez previens prevenu prevenue avertir avertissez notifier notifiez notifie notifiee alertez',
  ),
  ...en('send', 'send sent receive get forward have notify notified alert ping'),
  ...fr('new', 'nouvelle nouvelles nouveau nouveaux prochaines prochaine futures chaque'),
  ...en('new', 'new future upcoming each'),
  ...fr('last', 'derniere dernieres dernier derniers passe passee recente recentes recent'),
  ...en('last', 'last latest past recent newest'),
  ...fr('penultimate', 'avant-derniere avant-dernier'),
  ...en('penultimate', 'penultimate second-to-last second-last'),
  ...fr('first', 'premiere premier 1ere 1er'),
  ...en('first', 'first'),
  ...fr('oldest', 'ancienne anciennes ancien anciens'),
  ...en('oldest', 'oldest earliest'),
  ...fr('this', 'ce cette cet courant cours'),
  ...en('this', 'this current'),
  ...en('ago', 'ago'),
  ...fr('unit', 'mois semaine semaines jour jours an ans annee annees'),
  ...en('unit', 'month months week weeks day days year years'),
  ...fr('quarter', 'trimestre trimestres'),
  ...en('quarter', 'quarter quarters'),
  ...fr('half', 'semestre semestres moitie'),
  ...en('half', 'half'),
  ...fr('fiscal', 'exercice exercices'),
  ...en('fiscal', 'fiscal financial fy'),
  ...fr('count', 'deux trois quatre cinq six huit neuf dix douze'),
  ...en('count', 'one two three four five six seven eight nine ten twelve'),
  ...fr('ordinal', 'deuxieme seconde troisieme quatrieme'),
  ...both('ordinal', 'second'),
  ...en('ordinal', 'third fourth'),
  ...fr('hello', 'bonjour bonsoir salut slt bjr bsr coucou allo allez'),
  ...en('hello', 'hello hi hey greetings morning evening'),
  ...fr('thanks', 'merci remercie mrc'),
  ...en('thanks', 'thanks thank thx cheers'),
  ...fr('bye', 'revoir bientot adieu journee soiree'),
  ...en('bye', 'bye goodbye nice later'),
  ...fr('ok', 'accord daccord dac parfait super note compris entendu'),
  ...both('ok', 'ok okay'),
  ...en('ok', 'great perfect understood alright fine got'),
  ...fr(
    'offTopic',
    'site panne dns serveur tarif tarifs wordpress cpanel boite messagerie bug erreur lent offre offres migration migrer piratage pirate inaccessible configurer domaine hebergement hebergeur vps ftp renouvellement abonnement abonnements forfait acheter connexion outlook arrivent marchent fonctionnent bloquee bloquees partent ssl certificat',
  ),
  ...en(
    'offTopic',
    'website site down server pricing prices price wordpress cpanel password outage error slow plan plans upgrade migration migrate hacked domain hosting vps ftp iphone outlook setup configure register renew renewal subscription subscriptions buy arriving working broken sending ssl certificate',
  ),
  ...fr('question', 'combien quand quel quelle quels quelles pourquoi comment est-ce ou quoi'),
  ...en('question', 'how when what whats which why does where'),
  ...fr(
    'filler',
    'svp stp plait vous vous-plait pouvez-vous pourriez-vous pouvez pourriez montrer montrez affiche afficher voir donner donnez moi m me mes ma mon la le les l de d des en une un sur ' +
      'a avec pour cordialement je j ai besoin s il si ces votre vos nos notre mais dans elle elles ils nous qui que y c est sont etre fait faire ' +
      'bien encore deja aussi tres merci-bien madame monsieur equipe service client frere soeur chers cher prie bonne vouloir veuillez bien-vouloir ' +
      'recu recus eu avez avons ont mettre mettez toujours seulement juste car donc alors du aux fin debut mi par ici la-bas dont leur leurs lui t tu te ton ta tes ' +
      'suis es sommes etes peut peux faut puis sa ses desole desolee statut',
  ),
  ...en(
    'filler',
    'dear could would can you me my the a of for in as with i need your our these those please pls kindly it its be been am are was were do did has had ' +
      'just only also still yet so then there here that them they we us team sir madam hope regards best kind any some who whom at by over about end beginning start ' +
      'is much many if he she him his her being will shall should might im youre thats theres whose too very again such into sorry yeah yep status',
  ),
]);

/** Common words that must never be taken for a near keyword (`mais` is not `mars`, `pour` not `jour`). */
const PLAIN = new Set(
  'sais mais pour part other than faut relever sous tout tous bons bien rien mien tien sien vers plus moins sans dans avec chez entre elle elles nous vous mien mine more mars mois moi main mail mode mine nice done none gone fait fais dire dite mise lire jour tour four your hour here their there them then they when were what with will wish want went less lest best test rest'.split(
    ' ',
  ),
);

/** Words within reach of a typo: those with a role, and month names. */
const KNOWN = [...WORDS.entries()].filter(([word, [role]]) => role !== 'filler' && word.length >= 4).map(([word]) => word);

export function isPlainWord(word: string): boolean {
  return PLAIN.has(word) || WORDS.get(word)?.[0] === 'filler';
}

export function knownWords(): readonly string[] {
  return KNOWN;
}

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

/** Month names, for the typo reader: `fevier` is `fevrier`. */
export function monthNames(): string[] {
  return [...MONTH_NAMES.fr, ...MONTH_NAMES.en];
}

/** Numbers written as words, for "les trois derniers mois". */
export const COUNT_WORDS: Record<string, number> = {
  un: 1,
  une: 1,
  one: 1,
  deux: 2,
  two: 2,
  trois: 3,
  three: 3,
  quatre: 4,
  four: 4,
  cinq: 5,
  five: 5,
  six: 6,
  seven: 7,
  huit: 8,
  eight: 8,
  neuf: 9,
  nine: 9,
  dix: 10,
  ten: 10,
  douze: 12,
  twelve: 12,
};

/** Ordinals written as words, for quarters and halves ("troisième trimestre", "second half"). */
export const ORDINAL_WORDS: Record<string, number> = {
  premiere: 1,
  premier: 1,
  '1ere': 1,
  '1er': 1,
  first: 1,
  deuxieme: 2,
  second: 2,
  seconde: 2,
  troisieme: 3,
  third: 3,
  quatrieme: 4,
  fourth: 4,
};
