import { channel, type Channel } from 'node:diagnostics_channel';

/**
 * What the core tells whoever listens (the metrics of `/metrics`), through Node's diagnostics
 * channels: the parts that do the work publish a fact and know nothing of Prometheus, and a
 * fact nobody subscribed to costs one check. Each fact has one channel and one shape.
 */
export interface Facts {
  /** A delivery attempt ended (or a reply a channel sent itself was recorded). */
  delivery: { channel: string; reason: string; status: string };
  /** An inbound mail's handling ended, with its record's status (replied, ignored, failed) or `later`. */
  inbound: { outcome: string };
  /** The assistant answered a request: how long it took, and how it went. */
  answer: { outcome: string; seconds: number };
  /** A PDF was rendered (not served from the cache). */
  render: { seconds: number };
  /** A push run ended (`ran`) or found another under way (`busy`). */
  push: { result: 'ran' | 'busy'; invoices: number; sent: number; failed: number };
  /** A delivery report was read: the bounce it was (hard, soft, complaint), or `unmatched` when it proved nothing. */
  bounce: { kind: 'hard' | 'soft' | 'complaint' | 'unmatched' };
  /** A write to the store ended. */
  storeWrite: { operation: string; seconds: number };
}

const channels = new Map<keyof Facts, Channel>();

function channelOf(fact: keyof Facts): Channel {
  let found = channels.get(fact);
  if (!found) channels.set(fact, (found = channel(`facteur:${fact}`)));
  return found;
}

export function publish<K extends keyof Facts>(fact: K, message: Facts[K]): void {
  const target = channelOf(fact);
  if (target.hasSubscribers) target.publish(message);
}

/** Listens to one kind of fact; returns how to stop. */
export function subscribe<K extends keyof Facts>(fact: K, listener: (message: Facts[K]) => void): () => void {
  const target = channelOf(fact);
  const onMessage = (message: unknown) => listener(message as Facts[K]);
  target.subscribe(onMessage);
  return () => target.unsubscribe(onMessage);
}

/** Seconds since `started` (a `performance.now()`). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
