import type { InvoiceFilter } from '../billing/filter.js';

interface Position {
  filter: InvoiceFilter;
  page: number;
}

/**
 * Where each conversation is in its last invoice list, so that "suivant" means
 * something. Kept in memory and bounded: losing it on restart only means asking
 * for the list again.
 */
export class Pages {
  private readonly positions = new Map<string, Position>();

  constructor(private readonly limit = 10_000) {}

  get(conversation: string): Position | undefined {
    return this.positions.get(conversation);
  }

  set(conversation: string, position: Position): void {
    this.positions.delete(conversation);
    this.positions.set(conversation, position);
    if (this.positions.size > this.limit) this.positions.delete(this.positions.keys().next().value!);
  }
}
