import type { Command } from '../../command.js';
import type { Clause } from '../clause.js';
import { pointsBack } from '../recognise/pointers.js';
import { filterOf, hasFilter, type Sentence } from '../sentence.js';
import { asksZip } from './invoices.js';

/** Words that say a file came broken or not at all. */
const BROKEN = new Set(
  (
    'illisible illisibles corrompu corrompue corrompus endommage endommagee flou floue vide vides manque manquait manquent manquante manquantes absent absente ' +
    'unreadable corrupt corrupted damaged blurry empty missing broken'
  ).split(' '),
);
/** Participles of having received (« reçu », "got"): denied, they say something did not come. */
const RECEIVED = new Set(['recu', 'recue', 'recus', 'recues', 'eu', 'received', 'got', 'gotten', 'get']);
/** Words of opening a file: denied, it came broken (« ne s'ouvre pas », "won't open"). */
const OPENS = new Set(['ouvre', 'ouvrent', 'ouvrir', 'open', 'opens', 'opening']);
/** Verbs of being there (« il n'y avait aucune pièce jointe », « il n'y a pas de PDF », "there's no attachment", « n'était pas joint »). */
const THERE = new Set(['avait', 'etait', 'etaient', 'est', 'y', 'was', 'were', 'is', 'are', 'there']);
/** Words of finding or seeing a file: denied, it did not come (« je ne trouve pas le PDF dans votre mail », "I can't see any attachment"). */
const FINDS = new Set(['trouve', 'trouvons', 'trouvais', 'vois', 'voyons', 'find', 'found', 'see', 'seeing']);
/** Words of having forgotten it (« vous avez oublié la pièce jointe », "you forgot the PDF"): said of what was sent, not asked for what comes (« n'oubliez pas »). */
const FORGOT = new Set(['oublie', 'oubliee', 'oublies', 'oubliees', 'forgot', 'forgotten']);
/** Words that deny, beside the vocabulary's negations ("haven't", "didn't"). */
const NOT = new Set(['not', 'no', 'never', 'didn', 'haven', 'wasn', 'isn']);
/** Words of the files themselves. */
const FILE_ROLES = new Set(['attachments', 'pdf', 'file']);

/**
 * A customer saying a file was missing or came broken (« il n'y avait aucune pièce jointe »,
 * « la pièce jointe fait 0 Ko et ne s'ouvre pas », "no pdf inside", "the two PDFs show as
 * unreadable attachments", « le fichier n'était pas joint », « j'ai rien reçu »): they ask for
 * it again, never for the setting that attaches files to be turned off or on.
 */
export function complainsOfFile(s: Sentence): boolean {
  const c = s.clause;
  // « je n'ai pas reçu mon relevé »: the statement, which the balance answers.
  if (wishes(c) || c.has('statement')) return false;
  const file = c.words().some((w) => FILE_ROLES.has(w.role ?? ''));
  const invoice = file || c.has('singularInvoice') || c.has('list') || pointsBack(s);
  return c.tokens.some((t, i) => {
    if (t.kind === 'number' && t.value === '0' && ['ko', 'kb', 'octet', 'octets', 'bytes'].includes(word(c, i + 1) ?? '')) return true;
    if (t.kind !== 'word') return false;
    const written = t.corrected ?? t.word;
    if (BROKEN.has(written)) return invoice;
    const nothing = c.tokens.slice(Math.max(0, i - 3), i).some((b) => b.kind === 'word' && (b.word === 'rien' || b.word === 'nothing'));
    const denied = c.negatedAt(i) || nothing || c.tokens.slice(Math.max(0, i - 3), i).some((b) => b.kind === 'word' && NOT.has(b.word));
    // « j'ai rien reçu », "I never got anything": nothing came, whatever it was.
    if (RECEIVED.has(written) && denied) return invoice || nothing;
    if (OPENS.has(written) && denied) return invoice;
    if ((FINDS.has(written) && denied) || FORGOT.has(written)) return file;
    // « il n'y avait aucune pièce jointe », "there was no PDF": a file that was not there, when a verb of being says so.
    return FILE_ROLES.has(t.role ?? '') && denied && c.tokens.slice(Math.max(0, i - 5), i).some((b) => b.kind === 'word' && THERE.has(b.corrected ?? b.word));
  });
}

/**
 * Whether the complaint is what the sentence asks: when it names invoices by number, none at
 * all, or names the files themselves (which would otherwise read as the setting that attaches
 * them); « je cherche les factures de juin, je les ai pas reçues » asks what the rest says.
 */
export function asksAgain(s: Sentence): boolean {
  return complainsOfFile(s) && (s.numbers.length > 0 || !hasFilter(s) || s.clause.words().some((w) => FILE_ROLES.has(w.role ?? '')));
}

/** The files a complaint asks again: those it names (as a ZIP when it says so), or else the latest invoice's. */
export function askedAgain(s: Sentence): Command {
  if (asksZip(s)) return { intent: 'zip', filter: filterOf(s) };
  if (s.numbers.length > 0) return { intent: s.clause.has('resend') ? 'resend' : 'pdf', numbers: s.numbers };
  if (!hasFilter(s)) return { intent: 'singleInvoice', filter: { pick: { from: 'newest', skip: 0, take: 1 } } };
  return s.clause.has('list') || s.clause.has('all') ? { intent: 'files', filter: filterOf(s) } : { intent: 'singleInvoice', filter: filterOf(s) };
}

/** Words of a wish about what comes next (« je ne veux plus de pièce jointe », "stop attaching"): a setting, not a complaint. */
function wishes(c: Clause): boolean {
  return (
    c.has('want') || c.has('stop') || c.has('off') || c.has('on') || c.has('new') || c.hasWord('plus', 'anymore', 'longer', 'desormais', 'dorenavant', 'future')
  );
}

function word(c: Clause, i: number): string | undefined {
  const t = c.tokens[i];
  return t?.kind === 'word' ? t.word : undefined;
}
