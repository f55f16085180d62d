import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** What Facteur's own logger writes on stderr when given secrets, as an operator's log file would hold it. */
async function logged(script: string): Promise<Record<string, unknown>[]> {
  const program = `import { createLogger } from './src/log.ts'; import { loadConfig } from './src/config.ts'; const log = createLogger('info'); ${script}`;
  const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', program], { cwd: ROOT });
  return stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the logs', () => {
  it('never print a password or a token, however deep, and keep error codes', async () => {
    const lines = await logged(`
      const config = loadConfig({ SMTP_HOST: 'smtp.example', SMTP_USER: 'billing', SMTP_PASSWORD: 'smtp-secret', IMAP_HOST: 'imap.example', IMAP_USER: 'billing', IMAP_PASSWORD: 'imap-secret', DISCORD_TOKEN: 'discord.secret.token', DISCORD_APP_ID: '123456789012345678' });
      log.info({ config }, 'configuration');
      const error = Object.assign(new Error('Unknown interaction'), { code: 10062, url: 'https://discord.com/api/v10/interactions/1/interaction-secret/callback', requestBody: { json: 'x' } });
      log.error({ err: error }, 'reply failed');
    `);
    const text = JSON.stringify(lines);
    for (const secret of ['smtp-secret', 'imap-secret', 'discord.secret.token', 'interaction-secret']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ config: { smtp: { host: 'smtp.example', auth: { user: 'billing', password: '[secret]' } } } });
    expect(lines[1]).toMatchObject({ err: { message: 'Unknown interaction', code: 10062 } });
  });
});
