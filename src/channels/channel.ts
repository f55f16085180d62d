/** Whether a channel is taking requests now (for `/readyz`), in a few words. */
export interface ChannelState {
  up: boolean;
  detail: string;
}

/**
 * What every channel is to the rest of Facteur, as an adapter is to Hubot's robot: the
 * composition root (`app.ts`) starts it, asks its state and stops it, and knows nothing else
 * of it. Each channel is handed the few services it uses when it is built.
 */
export interface Channel {
  /** Resolves once it takes requests (Discord: on the gateway); what is waiting is then caught up on in the background. */
  start(): Promise<void>;
  /** Finishes what is under way, then stops taking requests. */
  stop(): Promise<void>;
  state(): ChannelState;
}
