import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import { liftSuppression } from '../notifications/suppressions.js';
import type { Store } from '../store/store.js';
import { refuse } from './intake.js';

/**
 * For support, behind the API's keys: `GET /suppressions` lists the addresses mail is held back
 * from; `DELETE /suppressions/{address}` lifts one (what `facteur suppressions --lift` sends to
 * a running Facteur, which holds the data folder), 404 when it is not suppressed.
 */
export function suppressionRoutes(app: FastifyInstance, services: { store: Store; log: Logger }): void {
  app.get('/suppressions', async () => ({ suppressions: await services.store.suppressions() }));

  app.delete<{ Params: { address: string } }>('/suppressions/:address', async (request, reply) => {
    const lifted = await liftSuppression(services.store, services.log, request.params.address, 'api');
    if (!lifted) return refuse(reply, 404, `${request.params.address} is not suppressed`);
    return { lifted };
  });
}
