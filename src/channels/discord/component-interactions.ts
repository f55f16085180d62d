import type { ButtonInteraction, MessageComponentInteraction, StringSelectMenuInteraction } from 'discord.js';
import type { Request } from '../../assistant/request.js';
import type { Command } from '../../assistant/command.js';
import type { Reply } from '../../assistant/reply.js';
import type { ListPosition } from '../../billing/filter.js';
import type { Logger } from '../../log.js';
import type { AccountLinks } from '../../account-linking/linking.js';
import type { Catalog } from '../../templates/catalog.js';
import type { Answers } from './answers.js';
import { chosenIn, readCustomId, withChoice, type Pressed } from './components.js';
import { renderMessage } from './render.js';
import { conversation, localeOf, privately } from './requests.js';
import { MINUTE_MS } from '../../time.js';

/**
 * How long a list's and a card's components work: an interaction token's lifetime, after
 * which Discord no longer takes the edits and follow-ups of the interaction that made the
 * message, and the list it shows may be out of date.
 */
export const COMPONENT_LIFETIME_MS = 15 * MINUTE_MS;

export interface ComponentInteractionsServices {
  links: Pick<AccountLinks, 'customer' | 'howTo'>;
  /** The assistant, asked as the linked account's owner. */
  ask: (request: Omit<Request, 'trust'>) => Promise<Reply>;
  answers: Answers;
  catalog: Catalog;
  log: Logger;
  now: () => Date;
}

/**
 * The components under a list and a details card: the menu, the PDF, ZIP and details
 * buttons, previous/next, the card's PDF button.
 *
 * Stateless, because any Facteur instance may receive a press (the gateway's holder changes
 * when one stops): what is chosen in the menu lives on the message itself — a choice is
 * answered by updating the message with those options marked `default` — and a button
 * reads it back from the message its interaction carries. Who may press, and the invoice of
 * a card's button, are in the components' custom_id; how old the message is, in its id.
 *
 * Nothing here decides what a customer may see: every invoice is asked of the assistant as
 * the presser's own request, so a forged menu or custom_id naming someone else's invoice
 * gets the same answer as a missing one. The checks here spare the assistant what is plainly
 * not for it: another user's press, an expired list, a choice the menu did not offer.
 */
export class ComponentInteractions {
  constructor(private readonly services: ComponentInteractionsServices) {}

  /** A choice in a list's menu: the message shows it chosen, for the buttons to read. */
  async onSelect(interaction: StringSelectMenuInteraction): Promise<void> {
    const pressed = readCustomId(interaction.customId);
    if (pressed?.action !== 'pick') return this.unknown(interaction);
    if (!(await this.allowed(interaction, pressed))) return;
    const components = withChoice(componentsOf(interaction), pressed.owner, interaction.values);
    if (!components) return this.refuse(interaction, 'not-in-menu', 'discord.components.notInMenu');
    await interaction.update({ components });
  }

  async onButton(interaction: ButtonInteraction): Promise<void> {
    const pressed = readCustomId(interaction.customId);
    if (!pressed || pressed.action === 'pick') return this.unknown(interaction);
    if (!(await this.allowed(interaction, pressed))) return;
    switch (pressed.action) {
      case 'previous':
      case 'next':
        return this.onPage(interaction, pressed.action === 'next' ? 1 : -1, pressed.position);
      case 'file':
        if (pressed.number === undefined) return this.unknown(interaction);
        return this.answer(interaction, { intent: 'pdf', numbers: [pressed.number] }, `pdf ${pressed.number}`);
      default:
        return this.onChosen(interaction, pressed.action, chosenIn(componentsOf(interaction), pressed.owner));
    }
  }

  /** A component that is not one of ours, or made before these (a list of an older Facteur): said to be out of date. */
  private async unknown(interaction: MessageComponentInteraction): Promise<void> {
    this.services.log.info(
      { event: 'discord.component.unknown', user: interaction.user.id, customId: interaction.customId.slice(0, 100) },
      'discord: a component of no known list pressed',
    );
    await this.tell(interaction, 'discord.expired');
  }

  /** PDF, ZIP or details on what the menu shows chosen; one invoice for PDF and details, as the client area's buttons do. */
  private async onChosen(interaction: ButtonInteraction, action: 'pdf' | 'zip' | 'details', numbers: string[]): Promise<void> {
    if (numbers.length === 0) return this.tell(interaction, action === 'zip' ? 'discord.pick.noneZip' : 'discord.pick.none');
    if (numbers.length > 1 && action !== 'zip') return this.tell(interaction, action === 'pdf' ? 'discord.pick.pdfMany' : 'discord.pick.detailsMany');
    const command: Command =
      action === 'pdf'
        ? { intent: 'pdf', numbers }
        : action === 'details'
          ? { intent: 'details', number: numbers[0]! }
          : { intent: 'zip', filter: { numbers } };
    return this.answer(interaction, command, `${action} ${numbers.join(' ')}`);
  }

  /** Previous/next under a list: the same message shows the other page (and a menu of its invoices, none chosen). */
  private async onPage(interaction: ButtonInteraction, step: 1 | -1, from: ListPosition | undefined): Promise<void> {
    const customer = await this.services.links.customer(interaction.user.id);
    if (!customer) return this.notLinked(interaction);
    const reply = await this.services.ask({
      customerId: customer.id,
      text: step > 0 ? 'next' : 'previous',
      command: { intent: 'page', step, ...(from ? { from } : {}) },
      locale: localeOf(interaction.locale),
      conversation: conversation(interaction.channelId, interaction.user.id),
    });
    const message = renderMessage(reply, this.services.catalog, interaction.user.id);
    if (reply.outcome === 'answered') await interaction.update(message);
    // The list behind the buttons is gone (a restart, another instance) or at its end: say so beside it, to the presser only.
    else await interaction.reply({ ...message, ...privately(interaction) });
  }

  /** The assistant's answer to the presser's own request, in a reply of its own beside the list (only the presser sees it, in a server). */
  private async answer(interaction: ButtonInteraction, command: Command, text: string): Promise<void> {
    const customer = await this.services.links.customer(interaction.user.id);
    if (!customer) return this.notLinked(interaction);
    const reply = await this.services.answers.deferred(interaction, (progress) =>
      this.services.ask({
        customerId: customer.id,
        text,
        command,
        locale: localeOf(interaction.locale),
        conversation: conversation(interaction.channelId, interaction.user.id),
        progress,
      }),
    );
    this.services.log.info({ event: 'discord.press', user: interaction.user.id, action: command.intent, outcome: reply.outcome }, 'discord press answered');
  }

  /** Only the user the list was made for, and only within the token's lifetime; anything else is answered with a sentence, and nothing of the list. */
  private async allowed(interaction: MessageComponentInteraction, pressed: Pressed): Promise<boolean> {
    if (interaction.user.id !== pressed.owner) {
      await this.refuse(interaction, 'not-owner', 'discord.components.notYours');
      return false;
    }
    if (this.services.now().getTime() - interaction.message.createdTimestamp > COMPONENT_LIFETIME_MS) {
      this.services.log.info({ event: 'discord.component.expired', user: interaction.user.id }, 'discord: a list pressed after its lifetime');
      await this.tell(interaction, 'discord.expired');
      return false;
    }
    return true;
  }

  /** A press only a forged interaction makes (or a list shown to someone else): logged, and answered with a sentence. */
  private async refuse(interaction: MessageComponentInteraction, reason: 'not-owner' | 'not-in-menu', key: string): Promise<void> {
    this.services.log.warn(
      { event: 'discord.component.refused', reason, user: interaction.user.id, customId: interaction.customId.slice(0, 100) },
      'discord: a component press refused',
    );
    await this.tell(interaction, key);
  }

  private async notLinked(interaction: MessageComponentInteraction): Promise<void> {
    const reply = this.services.links.howTo(localeOf(interaction.locale));
    await interaction.reply({ ...renderMessage(reply, this.services.catalog, interaction.user.id), ...privately(interaction) });
  }

  private async tell(interaction: MessageComponentInteraction, key: string): Promise<void> {
    await interaction.reply({ content: this.services.catalog.t(localeOf(interaction.locale), key), ...privately(interaction) });
  }
}

/** The components of the message pressed on, as Discord's API gives them (the choice marked on the menu's options). */
function componentsOf(interaction: MessageComponentInteraction) {
  return interaction.message.components.map((component) => component.toJSON());
}
