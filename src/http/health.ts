import type { FastifyInstance } from 'fastify';

/** One part's state, as `/readyz` reports it: up or not, and a few words an operator can act on. */
export interface PartState {
  up: boolean;
  detail: string;
}

/** Asks one configured part (the store, IMAP, SMTP, Discord) how it is. */
export type Probe = () => Promise<PartState>;

/** How long a probe may take before its part counts as down: a probe that hangs must not hang the check. */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * `GET /healthz`: the process answers (a container's liveness). `GET /readyz`: each part
 * this instance was configured with, named, and 503 as soon as one is down (a load
 * balancer's readiness, systemd's watchdog). Neither needs a key: they say what is up, not
 * what anyone's invoices are.
 */
export function healthRoutes(app: FastifyInstance, probes: Record<string, Probe>): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const parts = Object.fromEntries(await Promise.all(Object.entries(probes).map(async ([name, probe]) => [name, await bounded(probe)] as const)));
    const ready = Object.values(parts).every((part) => part.up);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', parts });
  });
}

async function bounded(probe: Probe): Promise<PartState> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<PartState>(
    (resolve) => (timer = setTimeout(() => resolve({ up: false, detail: `no answer within ${PROBE_TIMEOUT_MS / 1000} s` }), PROBE_TIMEOUT_MS)),
  );
  try {
    return await Promise.race([probe().catch((error: Error): PartState => ({ up: false, detail: error.message })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The probe's answer kept for `ttlMs`: one that opens a connection (SMTP) is not asked at every check. */
export function remembered(probe: Probe, ttlMs: number): Probe {
  let last: { at: number; state: Promise<PartState> } | null = null;
  return () => {
    if (!last || Date.now() - last.at > ttlMs) last = { at: Date.now(), state: bounded(probe) };
    return last.state;
  };
}
