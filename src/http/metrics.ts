import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { subscribe } from '../observe.js';
import { bearerOf, Keys } from './auth.js';

/**
 * The process's metrics in Prometheus's format, fed by the facts the core publishes
 * (src/observe.ts): deliveries, bounces, inbound mail, answers, renders, pushes and store writes, and
 * Node's own (memory, event loop, CPU). One registry per server, so that two in one process
 * (tests) count apart; `stop` lets go of the subscriptions.
 */
export function metrics(): { registry: Registry; stop(): void } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'facteur_' });
  const deliveries = new Counter({
    name: 'facteur_deliveries_total',
    help: 'Delivery attempts that ended, by channel, reason and the status they left (pending: to be tried again).',
    labelNames: ['channel', 'reason', 'status'],
    registers: [registry],
  });
  const inbound = new Counter({
    name: 'facteur_inbound_messages_total',
    help: 'Inbound mails handled, by what became of them (processed, failed, later).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const answers = new Histogram({
    name: 'facteur_answer_seconds',
    help: 'Time the assistant took to answer a request, by outcome.',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const renders = new Histogram({
    name: 'facteur_render_seconds',
    help: 'Time a PDF took to render (cache misses only).',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const pushes = new Counter({
    name: 'facteur_push_runs_total',
    help: 'Push runs, by result (ran, or busy: another instance was pushing).',
    labelNames: ['result'],
    registers: [registry],
  });
  const pushed = new Counter({ name: 'facteur_push_invoices_total', help: 'New invoices push runs found.', registers: [registry] });
  const writes = new Histogram({
    name: 'facteur_store_write_seconds',
    help: 'Time a store write took, by operation.',
    labelNames: ['operation'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const bounces = new Counter({
    name: 'facteur_bounces_total',
    help: 'Delivery reports read back, by kind: hard, soft, complaint, or unmatched (a report proving no mail Facteur sent: forged, expired, or unknown).',
    labelNames: ['kind'],
    registers: [registry],
  });
  const stops = [
    subscribe('bounce', (fact) => bounces.inc(fact)),
    subscribe('delivery', (fact) => deliveries.inc(fact)),
    subscribe('inbound', (fact) => inbound.inc(fact)),
    subscribe('answer', (fact) => answers.observe({ outcome: fact.outcome }, fact.seconds)),
    subscribe('render', (fact) => renders.observe(fact.seconds)),
    subscribe('push', (fact) => {
      pushes.inc({ result: fact.result });
      pushed.inc(fact.invoices);
    }),
    subscribe('storeWrite', (fact) => writes.observe({ operation: fact.operation }, fact.seconds)),
  ];
  return { registry, stop: () => stops.forEach((stop) => stop()) };
}

/** `GET /metrics`, behind FACTEUR_METRICS_KEY when it is set. */
export function metricsRoute(app: FastifyInstance, registry: Registry, key: string | null): void {
  const keys = key ? new Keys([key]) : null;
  app.get('/metrics', async (request, reply) => {
    if (keys && !keys.matches(bearerOf(request.headers.authorization) ?? '')) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'Unauthorized', message: '/metrics needs Authorization: Bearer <FACTEUR_METRICS_KEY>' });
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}
