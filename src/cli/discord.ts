import { registerCommands } from '../channels/discord/index.js';
import { err, out, type ExitCode } from './terminal.js';
import type { Config } from '../config.js';
import { Catalog } from '../templates/catalog.js';

/** `facteur discord register`: the slash commands, for DISCORD_GUILD_ID or globally. */
export async function discordRegister(config: Config): Promise<ExitCode> {
  if (!config.discord) {
    err('facteur discord register: DISCORD_TOKEN and DISCORD_APP_ID must be set (see .env.example)\n');
    return 1;
  }
  const catalog = await Catalog.load(config.templatesDir);
  const registered = await registerCommands(config.discord, catalog);
  const where = registered.scope === 'guild' ? `for the server ${config.discord.guildId}` : 'globally (they may take up to an hour to appear everywhere)';
  out(`Registered ${registered.names.length} commands ${where}: ${registered.names.map((name) => `/${name}`).join(' ')}\n`);
  return 0;
}
