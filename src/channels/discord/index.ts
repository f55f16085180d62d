import { DiscordChannel, type DiscordChannelServices } from './channel.js';
import type { DiscordConnection } from './connection.js';

export { DiscordConnection } from './connection.js';
export { registerCommands } from './register.js';

/** The Discord channel of this app, or null when Discord is not configured (no DISCORD_TOKEN). */
export function discordChannel(app: Omit<DiscordChannelServices, 'connection' | 'pdfMaxBytes'> & { discord: DiscordConnection | null; config: { pdfs: { maxBytes: number } } }): DiscordChannel | null {
  if (!app.discord) return null;
  return new DiscordChannel({
    connection: app.discord,
    assistant: app.assistant,
    store: app.store,
    catalog: app.catalog,
    codeMail: app.codeMail,
    staff: app.staff,
    log: app.log,
    deliveries: app.deliveries,
    downloadLinks: app.downloadLinks ?? null,
    pdfMaxBytes: app.config.pdfs.maxBytes,
    ...(app.progressTiming ? { progressTiming: app.progressTiming } : {}),
  });
}
