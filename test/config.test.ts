import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('the configuration', () => {
  it('seeds demo data only when nothing real is configured, unless told', () => {
    expect(loadConfig({}).demo).not.toBeNull();
    expect(loadConfig({ IMAP_HOST: 'imap.example', IMAP_USER: 'u', IMAP_PASSWORD: 'p' }).demo).toBeNull();
    expect(loadConfig({ DISCORD_TOKEN: 't', DISCORD_APP_ID: '123456789012345678' }).demo).toBeNull();
    expect(loadConfig({ IMAP_HOST: 'imap.example', IMAP_USER: 'u', IMAP_PASSWORD: 'p', FACTEUR_DEMO: 'true', FACTEUR_DEMO_UNTIL: '2026-11-25' }).demo).toEqual({
      until: new Date('2026-11-25'),
    });
    expect(loadConfig({ FACTEUR_DEMO: 'false' }).demo).toBeNull();
  });

  it('names every bad setting at once', () => {
    const error = (() => {
      try {
        loadConfig({ FACTEUR_PAGE_SIZE: '0', PUSH_CRON: 'every day', PUSH_TIMEZONE: 'Mars/Olympus', FACTEUR_DEMO_UNTIL: '2026-13-01' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of ['FACTEUR_PAGE_SIZE', 'PUSH_CRON', 'PUSH_TIMEZONE', 'FACTEUR_DEMO_UNTIL']) expect((error as Error).message).toContain(name);
  });

  it('makes download links only with a public http(s) address, for LINK_DAYS days, with a long enough secret', () => {
    expect(loadConfig({}).links).toBeNull();
    expect(loadConfig({ PUBLIC_URL: 'https://factures.hebergeur.example/' }).links).toEqual({
      publicUrl: 'https://factures.hebergeur.example',
      days: 7,
      secret: null,
      downloads: { perLink: 3, atOnce: 30, idleMs: 30_000 },
    });
    expect(loadConfig({ PUBLIC_URL: 'https://hebergeur.example/facteur', LINK_DAYS: '2', FACTEUR_LINK_SECRET: 's'.repeat(24) }).links).toEqual({
      publicUrl: 'https://hebergeur.example/facteur',
      days: 2,
      secret: 's'.repeat(24),
      downloads: { perLink: 3, atOnce: 30, idleMs: 30_000 },
    });
    expect(
      loadConfig({ PUBLIC_URL: 'https://hebergeur.example', LINK_DOWNLOADS_PER_LINK: '1', LINK_DOWNLOADS_AT_ONCE: '200', LINK_IDLE_SECONDS: '5' }).links!
        .downloads,
    ).toEqual({ perLink: 1, atOnce: 200, idleMs: 5000 });
    for (const [name, value] of [
      ['PUBLIC_URL', 'ftp://hebergeur.example'],
      ['PUBLIC_URL', 'factures.hebergeur.example'],
      ['PUBLIC_URL', 'https://hebergeur.example/?x=1'],
      ['LINK_DAYS', '0'],
      ['LINK_DAYS', '1000'],
      ['FACTEUR_LINK_SECRET', 'short'],
      ['LINK_DOWNLOADS_PER_LINK', '0'],
      ['LINK_DOWNLOADS_AT_ONCE', '1.5'],
      ['LINK_IDLE_SECONDS', '0'],
    ] as const) {
      expect(() => loadConfig({ PUBLIC_URL: 'https://hebergeur.example', [name]: value })).toThrow(name);
    }
  });
});
