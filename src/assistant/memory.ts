import type { ListPosition } from '../billing/filter.js';
import type { Command } from './command.js';

/** What a conversation remembers between two messages. */
export interface Remembered {
  /** Its last invoice list and the page shown, so that "suivant" means something. */
  list?: ListPosition;
  /** The readings offered when a sentence could mean two things, so that "2" means something. */
  choices?: Command[];
}

/**
 * What each conversation remembers, in memory and bounded: losing it on restart only
 * means asking again. The least recently used conversation is forgotten first.
 */
export class Conversations {
  private readonly remembered = new Map<string, Remembered>();

  constructor(private readonly limit = 10_000) {}

  get(conversation: string): Remembered {
    return this.remembered.get(conversation) ?? {};
  }

  update(conversation: string, change: Remembered): void {
    const next = { ...this.get(conversation), ...change };
    this.remembered.delete(conversation);
    this.remembered.set(conversation, next);
    if (this.remembered.size > this.limit) this.remembered.delete(this.remembered.keys().next().value!);
  }
}
