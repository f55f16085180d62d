import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError, type DkimSettings } from '../config.js';

/** The key every mail is signed with, read and checked: what nodemailer signs with, and what DNS must publish. */
export interface DkimKey {
  domain: string;
  selector: string;
  /** PKCS#8 PEM, as nodemailer's signer takes it. */
  privateKey: string;
  /** The public half, base64 DER (SubjectPublicKeyInfo): the `p=` of the TXT record. */
  publicKey: string;
  bits: number;
  /** Where the key came from, to name in messages: the file, or DKIM_PRIVATE_KEY. */
  source: string;
}

/** Receivers ignore shorter RSA keys (RFC 8301); 2048 is what they ask for. */
const MIN_BITS = 1024;

/**
 * Reads DKIM_PRIVATE_KEY_FILE (or DKIM_PRIVATE_KEY) and checks it is an RSA private key
 * nodemailer can sign with: a file that cannot be read, or that holds something else, stops
 * start-up with a message naming it, rather than sending mail every receiver takes for forged.
 */
export async function loadDkim(settings: DkimSettings): Promise<DkimKey> {
  const source = settings.keyFile ?? 'DKIM_PRIVATE_KEY';
  const refuse = (why: string) =>
    new ConfigError(`DKIM: ${source}: ${why}. Make one with: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out dkim.pem`);
  let text: string;
  if (settings.keyFile) {
    text = await readFile(settings.keyFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw refuse(`the key file cannot be read (${error.code ?? error.message})`);
    });
  } else {
    // An .env line holds no line breaks: a PEM written there has them as \n.
    text = settings.key!.replaceAll('\\n', '\n');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (error) {
    throw refuse(`not a private key in PEM (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw refuse(`a ${key.asymmetricKeyType ?? 'non-RSA'} key: DKIM signing here is rsa-sha256, so the key must be RSA`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_BITS) throw refuse(`an RSA key of ${bits} bits: receivers ignore signatures by keys under ${MIN_BITS} bits (use 2048)`);
  return {
    domain: settings.domain,
    selector: settings.selector,
    privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64'),
    bits,
    source,
  };
}

/** The DNS record receivers look the key up by: its name and TXT value. */
export function dkimRecord(key: DkimKey): { name: string; value: string } {
  return { name: `${key.selector}._domainkey.${key.domain}`, value: `v=DKIM1; k=rsa; p=${key.publicKey}` };
}

/**
 * The record as a zone file line: a TXT value holds strings of 255 characters at most, so a
 * 2048-bit key's is cut in several, which DNS joins back.
 */
export function dkimZoneLine(key: DkimKey): string {
  const { name, value } = dkimRecord(key);
  const strings = value.match(/.{1,255}/g)!.map((part) => `"${part}"`);
  return `${name}. IN TXT ( ${strings.join(' ')} )`;
}
