import { registerCommands } from '../channels/discord/index.js';
import { err, out, type ExitCode } from './terminal.js';
import { operatorWords } from './words.js';
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
  const guild = registered.scope === 'guild' ? config.discord.guildId : 'global';
  out(
    `${operatorWords(catalog)('cli.discord.registered', { count: registered.names.length, guild, names: registered.names.map((name) => `/${name}`).join(' ') })}\n`,
  );
  return 0;
}
