import { MessageFlags } from 'discord.js';
import type { Locale } from '../../billing/types.js';

/** Which conversation "next" continues: one per user and channel. */
export function conversation(channelId: string | null, userId: string): string {
  return `discord:${channelId ?? 'dm'}:${userId}`;
}

/** Discord's locales (`fr`, `en-US`, `en-GB`…) as Facteur's two languages. */
export function localeOf(discordLocale: string | undefined): Locale {
  return discordLocale?.startsWith('fr') ? 'fr' : 'en';
}

/** In a server, an answer only its user sees; a DM is private already. */
export function privately(interaction: { inGuild(): boolean }): { flags?: MessageFlags.Ephemeral } {
  return interaction.inGuild() ? { flags: MessageFlags.Ephemeral } : {};
}
