import type { Config } from '../config.js';
import { dkimRecord, dkimZoneLine, loadDkim } from '../outbound/dkim.js';
import { err, out, type ExitCode } from './terminal.js';

/**
 * `facteur dkim record`: the DNS TXT record receivers check Facteur's signatures against, from
 * the key it signs with (checked as start-up checks it): the zone file line, then the name and
 * the value for a provider's form.
 */
export async function dkimRecordCommand(config: Config): Promise<ExitCode> {
  if (!config.dkim) {
    err(
      'facteur dkim record: DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE (or DKIM_PRIVATE_KEY) are not set: mail leaves unsigned (see the README, "Sending well")\n',
    );
    return 1;
  }
  const key = await loadDkim(config.dkim);
  const { name, value } = dkimRecord(key);
  out(`${dkimZoneLine(key)}\n\nname:  ${name}\ntype:  TXT\nvalue: ${value}\n`);
  return 0;
}
