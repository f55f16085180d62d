import { randomUUID } from 'node:crypto';
import { GuildMember, type ChatInputCommandInteraction } from 'discord.js';
import type { Reply } from '../../assistant/reply.js';
import { formatDate } from '../../billing/money.js';
import type { Locale } from '../../billing/types.js';
import type { DiscordSettings } from '../../config.js';
import type { Logger } from '../../log.js';
import type { Deliveries } from '../../notifications/deliveries.js';
import type { Delivery, DeliveryChannel } from '../../notifications/delivery.js';
import { resend } from '../../notifications/resend.js';
import type { Store } from '../../store/store.js';
import type { Catalog, Params } from '../../templates/catalog.js';
import type { CommandNames } from './commands.js';

export interface StaffServices {
  settings: DiscordSettings;
  store: Store;
  deliveries: Deliveries;
  catalog: Catalog;
  log: Logger;
  now: () => Date;
}

/** Rows shown at most in a delivery table: the most recent ones. */
const SHOWN = 15;

const VIA: Record<string, DeliveryChannel[]> = { email: ['email'], dm: ['discord'], both: ['email', 'discord'] };

/**
 * `/staff resend|log|failed`, for the support team named in the configuration by role or
 * user id. Anyone else is refused and the attempt logged; what staff do is recorded in
 * the store (who, what, when), besides the delivery records a resend writes.
 */
export class StaffCommands {
  constructor(
    private readonly services: StaffServices,
    private readonly names: CommandNames,
  ) {}

  isStaff(interaction: ChatInputCommandInteraction): boolean {
    const { staffUserIds, staffRoleIds } = this.services.settings;
    if (staffUserIds.includes(interaction.user.id)) return true;
    const member = interaction.member;
    if (!member) return false;
    const roles = member instanceof GuildMember ? [...member.roles.cache.keys()] : member.roles;
    return roles.some((role) => staffRoleIds.includes(role));
  }

  async handle(interaction: ChatInputCommandInteraction, locale: Locale): Promise<Reply> {
    const sub = this.names.subcommand('staff', interaction.options.getSubcommand(false));
    if (!this.isStaff(interaction)) {
      this.services.log.warn({ event: 'staff.refused', user: interaction.user.id, guild: interaction.guildId, command: sub ?? null }, 'staff command refused: not staff');
      return this.reply(locale, [this.t(locale, 'discord.staff.refused')], 'refused');
    }
    const option = (name: string) => interaction.options.getString(this.names.name(`staff.${sub}.${name}`));
    const staff = `discord:${interaction.user.id}`;
    if (sub === 'resend') return this.resend(staff, option('invoice')!.trim().replace(/^#/, ''), option('via') ?? 'email', locale);
    if (sub === 'log') return this.customerLog(staff, option('customer')!.trim(), locale);
    return this.failed(staff, locale);
  }

  private async resend(staff: string, number: string, via: string, locale: Locale): Promise<Reply> {
    const { store, deliveries, log } = this.services;
    const result = await resend(store, deliveries, log, { number, channels: VIA[via] ?? ['email'], requestedBy: staff });
    const customer = store.customerById(store.invoice(number)?.customerId ?? '');
    if (!result.ok) {
      await this.record(staff, 'resend', number, `refused: ${result.problem}`);
      const key = result.problem === 'no-recipient' ? 'discord.staff.noDiscord' : 'discord.staff.unknownInvoice';
      return this.reply(locale, [this.t(locale, key, { number, customer: customer?.email ?? '' })], 'refused');
    }
    await this.record(staff, 'resend', number, result.deliveries.map((d) => `${d.channel}:${d.status}`).join(' '));
    const failed = result.deliveries.some((d) => d.status !== 'sent');
    return this.table(locale, [this.t(locale, failed ? 'discord.staff.resendFailed' : 'discord.staff.resent', { number, customer: customer?.email ?? '' })], result.deliveries, failed ? 'refused' : 'answered');
  }

  private async customerLog(staff: string, address: string, locale: Locale): Promise<Reply> {
    const customer = this.services.store.customerByAddress(address);
    await this.record(staff, 'log', address, customer ? null : 'unknown customer');
    if (!customer) return this.reply(locale, [this.t(locale, 'discord.staff.unknownCustomer', { address })], 'refused');
    const all = this.services.deliveries.list({ customerId: customer.id });
    if (all.length === 0) return this.reply(locale, [this.t(locale, 'discord.staff.logEmpty', { customer: customer.email })]);
    return this.table(locale, [this.t(locale, 'discord.staff.log', { customer: customer.email, count: all.length, shown: Math.min(SHOWN, all.length) })], all.slice(-SHOWN));
  }

  private async failed(staff: string, locale: Locale): Promise<Reply> {
    const all = this.services.deliveries.list({ status: 'failed' });
    await this.record(staff, 'failed', null, `${all.length} failed`);
    if (all.length === 0) return this.reply(locale, [this.t(locale, 'discord.staff.failedNone')]);
    return this.table(locale, [this.t(locale, 'discord.staff.failed', { count: all.length, shown: Math.min(SHOWN, all.length) })], all.slice(-SHOWN));
  }

  /** Deliveries as the staff read them, newest first: when, what, how, to whom, how it went. */
  private table(locale: Locale, text: string[], deliveries: Delivery[], outcome: Reply['outcome'] = 'answered'): Reply {
    const customers = this.services.store;
    const columns = ['date', 'invoices', 'customer', 'channel', 'recipient', 'status', 'detail'].map((c) => this.t(locale, `discord.staff.columns.${c}`));
    const rows = deliveries
      .toReversed()
      .map((d) => [
        `${formatDate(d.updatedAt.slice(0, 10), locale)} ${d.updatedAt.slice(11, 16)}`,
        d.invoices.join(' '),
        customers.customerById(d.customerId)?.email ?? d.customerId,
        d.channel,
        d.recipient,
        this.t(locale, `discord.staff.status.${d.status}`),
        short(d.lastError ?? '', 60),
      ]);
    return { locale, outcome, text, table: { columns, rows }, attachments: [] };
  }

  private async record(staff: string, action: string, target: string | null, detail: string | null): Promise<void> {
    await this.services.store.save({ staffActions: [{ id: randomUUID(), staff, action, target, detail, at: this.services.now().toISOString() }] });
    this.services.log.info({ event: `staff.${action}`, staff, target, detail }, 'staff action');
  }

  private reply(locale: Locale, text: string[], outcome: Reply['outcome'] = 'answered'): Reply {
    return { locale, outcome, text, attachments: [] };
  }

  private t(locale: Locale, key: string, params?: Params): string {
    return this.services.catalog.t(locale, key, params);
  }
}

function short(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
