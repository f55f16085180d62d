import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from 'discord.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import type { DiscordConnection } from './connection.js';

/** How often an instance without the gateway asks whether it is free: how long a dead holder's bot stays away at most. */
export const GATEWAY_RETRY_MS = 5_000;

/** The job that holds the gateway: one bot session however many instances share the store. */
const JOB = 'discord-gateway';

export interface SingleGatewaySessionServices {
  store: Pick<Store, 'exclusive'>;
  connection: DiscordConnection;
  log: Logger;
  /** Attaches the channel's handlers to a new gateway client, before it logs in. */
  listen: (client: Client) => void;
  /** Resolves once the answers under way are sent: the gateway's client is not let go before. */
  drain: () => Promise<void>;
  retryMs?: number;
}

/**
 * Discord's gateway held by one Facteur of those sharing a store. Discord sends each event to
 * every session a bot opens, so two instances on the gateway would answer every command
 * twice; instead the gateway is a job of the store's (`exclusive`), held for as long as the
 * instance runs. The others send direct messages over REST all the same, and ask every
 * `retryMs` whether the gateway is free: a holder that dies (its session's lock goes with
 * it) or loses its database connection (it leaves the gateway) is replaced within that time.
 */
export class SingleGatewaySession {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  /** Where the gateway was last found: on this instance, on another, or nowhere yet. */
  private where: 'here' | 'elsewhere' | 'nowhere' = 'nowhere';

  constructor(private readonly services: SingleGatewaySessionServices) {}

  /**
   * Resolves once this instance is on the gateway, or knows another is (it keeps asking in
   * the background). Rejects if its first login is refused, as a bad token must stop start-up.
   */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const first = (error?: unknown) => {
        if (settled) return false;
        settled = true;
        if (error === undefined) resolve();
        else reject(error);
        return true;
      };
      this.loop = this.run(first);
    });
  }

  /** For `/readyz`: up when this instance is on the gateway and Discord says ready, or when another instance holds it. */
  state(): { up: boolean; detail: string } {
    if (this.where === 'elsewhere') return { up: true, detail: 'another Facteur holds the gateway; direct messages go out from here' };
    if (this.where === 'here' && this.services.connection.ready()) return { up: true, detail: 'connected to the gateway' };
    return { up: false, detail: this.where === 'here' ? 'the gateway is reconnecting' : 'not connected to the gateway' };
  }

  /** Leaves the gateway if held, and stops asking for it. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(first: (error?: unknown) => boolean): Promise<void> {
    const { store, log } = this.services;
    while (!this.stopping.signal.aborted) {
      try {
        const turn = await store.exclusive(JOB, (lost) => this.hold(lost, first));
        this.where = turn.ran ? 'nowhere' : 'elsewhere';
        if (!turn.ran && first())
          log.info(
            { event: 'discord.gateway.elsewhere' },
            'discord: another Facteur holds the gateway; this one sends direct messages and takes over if that one stops',
          );
      } catch (error) {
        this.where = 'nowhere';
        if (first(error)) return;
        log.warn({ err: error }, `discord: could not take the gateway; trying again in ${this.retryMs / 1000} s`);
      }
      await delay(this.retryMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** On the gateway until this instance stops or the store says the job is no longer its own. */
  private async hold(lost: AbortSignal, first: () => boolean): Promise<void> {
    const { connection, listen, drain, log } = this.services;
    try {
      await connection.connect(listen);
      this.where = 'here';
      first();
      log.info({ event: 'discord.gateway.held' }, 'discord: this Facteur holds the gateway');
      const over = AbortSignal.any([lost, this.stopping.signal]);
      if (!over.aborted) await once(over, 'abort');
      if (lost.aborted)
        log.warn(
          { event: 'discord.gateway.lost', reason: String(lost.reason) },
          'discord: the store no longer says this Facteur holds the gateway; leaving it',
        );
    } finally {
      // Answers under way are sent with the gateway's client: they finish before it goes.
      await drain();
      await connection.disconnect();
    }
  }

  private get retryMs(): number {
    return this.services.retryMs ?? GATEWAY_RETRY_MS;
  }
}
