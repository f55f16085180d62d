import { REST, Routes } from 'discord.js';
import type { DiscordSettings } from '../../config.js';
import type { Catalog } from '../../templates/catalog.js';
import { commandDefinitions } from './commands.js';

export interface Registered {
  scope: 'guild' | 'global';
  names: string[];
}

/**
 * Registers Facteur's slash commands with Discord, replacing the application's previous
 * set: for the server DISCORD_GUILD_ID when it is set (they appear at once there), or
 * else globally (every server the bot is in, and its DMs).
 */
export async function registerCommands(settings: DiscordSettings, catalog: Catalog): Promise<Registered> {
  const rest = new REST({ api: settings.apiUrl }).setToken(settings.token);
  const route = settings.guildId ? Routes.applicationGuildCommands(settings.appId, settings.guildId) : Routes.applicationCommands(settings.appId);
  const saved = (await rest.put(route, { body: commandDefinitions(catalog) })) as { name: string }[];
  return { scope: settings.guildId ? 'guild' : 'global', names: saved.map((command) => command.name) };
}
