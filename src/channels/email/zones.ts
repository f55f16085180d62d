import { linesOf, textZones, type Zone } from '../../assistant/reading/zones.js';
import { readSubject } from './subject.js';

/** What the zones are read from: a mail as `readMail` gives it. */
export interface MailText {
  subject: string;
  /** What a reader sees of the body. */
  text: string;
  /** What the HTML part holds that a reader cannot see. */
  hidden?: string;
  inReplyTo: string | null;
  references: string[];
}

/**
 * A mail read into zones, each saying whose words it holds: the subject first, then the
 * body's zones in order, then the hidden text. Channels and recognisers decide what each
 * may do from its kind, never from where a pattern happened to match.
 */
export function readZones(mail: MailText): Zone[] {
  const subject = readSubject(mail.subject, mail.inReplyTo !== null || mail.references.length > 0);
  const zones: Zone[] = [{ kind: subject.borrowed ? 'replySubject' : 'subject', lines: subject.topic === '' ? [] : [subject.topic] }];
  zones.push(...textZones(mail.text, subject.borrowed === 'forward'));
  if (mail.hidden) zones.push({ kind: 'hidden', lines: linesOf(mail.hidden).filter((line) => line.trim() !== '') });
  return zones;
}
