import { GuildMember, type ChatInputCommandInteraction } from 'discord.js';
import type { Reply } from '../../assistant/reply.js';
import type { StaffDesk } from '../../assistant/staff.js';
import type { Locale } from '../../billing/types.js';
import type { DiscordSettings } from '../../config.js';
import type { Logger } from '../../log.js';
import type { DeliveryChannel } from '../../billing/delivery.js';
import type { CommandNames } from './commands.js';
import { invoiceNumbers } from './options.js';

const VIA: Record<string, DeliveryChannel[]> = { email: ['email'], dm: ['discord'], both: ['email', 'discord'] };

/**
 * `/staff resend|log|failed|reminders`, for the support team named in the configuration by role or
 * user id; anyone else is refused and the attempt logged. The work itself is the staff
 * desk's, shared with the other channels.
 */
export class StaffCommands {
  constructor(
    private readonly settings: DiscordSettings,
    private readonly desk: StaffDesk,
    private readonly log: Logger,
    private readonly names: CommandNames,
  ) {}

  isStaff(interaction: ChatInputCommandInteraction): boolean {
    const { staffUserIds, staffRoleIds } = this.settings;
    if (staffUserIds.includes(interaction.user.id)) return true;
    const member = interaction.member;
    if (!member) return false;
    const roles = member instanceof GuildMember ? [...member.roles.cache.keys()] : member.roles;
    return roles.some((role) => staffRoleIds.includes(role));
  }

  async handle(interaction: ChatInputCommandInteraction, locale: Locale): Promise<Reply> {
    const sub = this.names.subcommand('staff', interaction.options.getSubcommand(false));
    if (!this.isStaff(interaction)) {
      this.log.warn(
        { event: 'staff.refused', user: interaction.user.id, guild: interaction.guildId, command: sub ?? null },
        'staff command refused: not staff',
      );
      return this.desk.refused(locale);
    }
    const option = (name: string) => interaction.options.getString(this.names.name(`staff.${sub}.${name}`));
    const staff = `discord:${interaction.user.id}`;
    if (sub === 'resend') return this.desk.resend(staff, option('invoice')!.trim().replace(/^#/, ''), VIA[option('via') ?? 'email'] ?? ['email'], locale);
    if (sub === 'log') return this.desk.customerLog(staff, option('customer')!.trim(), locale);
    if (sub === 'reminders') {
      const send = interaction.options.getBoolean(this.names.name('staff.reminders.send'));
      const chosen = invoiceNumbers(option('numbers') ?? '');
      // Named invoices are reminded at once unless send:False, as `facteur reminders NUMBER…` does; the day's only with send:True.
      return chosen.length > 0 ? this.desk.remindChosen(staff, chosen, locale, send ?? true) : this.desk.reminders(staff, locale, send ?? false);
    }
    return this.desk.failed(staff, locale);
  }
}
