import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { HttpSettings } from '../config.js';
import { ImportError, importBytes } from '../import/import.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { MAX_TOKEN_LENGTH } from '../links/token.js';
import { bearerOf, Keys, Signatures } from './auth.js';
import { downloadRoutes, refuseUnroutable, type DownloadServices } from './downloads.js';
import { healthRoutes, type Probe } from './health.js';
import { intakeRoutes, refuse } from './intake.js';
import { metrics, metricsRoute } from './metrics.js';
import { removeServiceFile, writeServiceFile } from './service-file.js';

export interface HttpServices {
  store: Store;
  log: Logger;
  dataDir: string;
  /** The import's size limit: a file `facteur import` sends may be that big. */
  importMaxBytes: number;
  today: () => string;
  /** The parts `/readyz` asks, by name. */
  probes: Record<string, Probe>;
  /** Download links (with PUBLIC_URL): what their pages under /d use besides the store and the log; null: no /d. */
  downloads: Omit<DownloadServices, 'store' | 'log'> | null;
}

export interface RunningHttp {
  url: string;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's bytes as they came: what a webhook's signature is computed over. */
    rawBody?: Buffer;
  }
}

/**
 * The HTTP server of `facteur start`: the intake API for the billing system, the import
 * `facteur import` sends while the service runs, health, metrics and download links. It listens on
 * HTTP_HOST:HTTP_PORT (loopback by default: put a TLS proxy in front to open it), then
 * writes the service file with its address and a local key.
 */
export async function startHttp(settings: HttpSettings, services: HttpServices): Promise<RunningHttp> {
  const localKey = randomBytes(24).toString('hex');
  const { registry, stop } = metrics();
  // Fastify's own request logs give way to one line a request (below), at debug for probes.
  const app = Fastify({
    bodyLimit: settings.bodyLimitBytes,
    // A download link's token is one path parameter: room for the longest one made.
    routerOptions: { maxParamLength: MAX_TOKEN_LENGTH },
    logController: new LogController({ disableRequestLogging: true }),
    loggerInstance: services.log.child({ part: 'http' }) as FastifyBaseLogger,
    // What the router refuses before any route: under /d a page like any refused link's; elsewhere Fastify's own answer.
    frameworkErrors: (error, request, reply) => {
      if (services.downloads && isDownloadPath(request.url)) return refuseUnroutable(request, reply, { ...services.downloads, store: services.store, log: services.log }, error.code);
      const status = error.statusCode ?? 400;
      return (reply as unknown as FastifyReply).code(status).send({ statusCode: status, error: status === 414 ? 'URI Too Long' : 'Bad Request', code: error.code, message: error.message });
    },
  });
  app.addHook('onResponse', async (request, reply) => {
    const level = request.url.startsWith('/api/') ? 'info' : 'debug';
    services.log[level]({ event: 'http', method: request.method, route: routeOf(request), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'http request');
  });
  healthRoutes(app, services.probes);
  metricsRoute(app, registry, settings.metricsKey);
  await app.register(async (api) => apiRoutes(api, settings, services, localKey), { prefix: '/api/v1' });
  const downloads = services.downloads;
  if (downloads) await app.register(async (d) => downloadRoutes(d, { ...downloads, store: services.store, log: services.log }), { prefix: '/d' });
  try {
    await app.listen({ host: settings.host, port: settings.port });
  } catch (error) {
    stop();
    throw Object.assign(new Error(`HTTP could not listen on ${settings.host}:${settings.port} (${(error as Error).message}): set HTTP_PORT to a free port, or HTTP_ENABLED=false`), { cause: error });
  }
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  await writeServiceFile(services.dataDir, { url, key: localKey, pid: process.pid });
  services.log.info({ event: 'http.listening', url }, `HTTP: listening on ${url}`);
  return {
    url,
    async close() {
      await removeServiceFile(services.dataDir);
      await app.close();
      stop();
    },
  };
}

/** Everything under /api/v1: a key or a signature first, bodies read whole so that a signature can be checked over their bytes. */
async function apiRoutes(api: FastifyInstance, settings: HttpSettings, services: HttpServices, localKey: string): Promise<void> {
  const keys = new Keys([...settings.apiKeys, localKey]);
  const signatures = settings.webhookSecret ? new Signatures(settings.webhookSecret) : null;
  api.removeAllContentTypeParsers();
  api.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    request.rawBody = body;
    try {
      done(null, body.length === 0 ? undefined : JSON.parse(body.toString('utf8')));
    } catch (error) {
      done(Object.assign(new Error(`the body is not valid JSON (${(error as Error).message})`), { statusCode: 400 }));
    }
  });
  // What `facteur import` sends: the file's bytes as they are, read as the file would be.
  api.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: services.importMaxBytes }, (request, body: Buffer, done) => {
    request.rawBody = body;
    done(null, body);
  });
  api.addHook('preHandler', async (request, reply) => {
    const refusal = authorise(request, keys, signatures, settings.apiKeys.length === 0);
    if (!refusal) return;
    services.log.warn({ event: 'http.refused', route: request.routeOptions.url, ip: request.ip, why: refusal.log }, 'HTTP: request refused');
    return refuse(reply.header('www-authenticate', 'Bearer'), 401, refusal.message);
  });
  intakeRoutes(api, services);
  api.post<{ Querystring: { name?: string } }>('/imports', { bodyLimit: services.importMaxBytes }, async (request, reply) => {
    const name = request.query.name;
    if (!name || !Buffer.isBuffer(request.body)) return refuse(reply, 400, 'send the file\u2019s bytes (Content-Type: application/octet-stream) with ?name=<its file name>');
    try {
      return await importBytes(services.store, name, request.body);
    } catch (error) {
      // The file and the problem apart, so that `facteur import` says it in the words it would have used itself.
      if (error instanceof ImportError) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message, file: error.file, problem: error.problem });
      throw error;
    }
  });
}

/**
 * A request as the log names it: its route's pattern (`/d/:token`, never the token), or for
 * a path no route matched, the path, less anything under /d, which may be a token.
 */
function routeOf(request: FastifyRequest): string {
  if (request.routeOptions.url) return request.routeOptions.url;
  const pathname = request.url.split('?')[0]!;
  return isDownloadPath(pathname) ? '/d/…' : pathname;
}

function isDownloadPath(url: string): boolean {
  return url === '/d' || url.startsWith('/d/') || url.startsWith('/d?');
}

/** Null when the request may go on; else what to answer, and what to log (never the key). */
function authorise(request: FastifyRequest, keys: Keys, signatures: Signatures | null, noKeysSet: boolean): { message: string; log: string } | null {
  const bearer = bearerOf(request.headers.authorization);
  if (bearer !== null) return keys.matches(bearer) ? null : { message: 'this API key is not one of FACTEUR_API_KEYS', log: 'unknown key' };
  const signature = request.headers['facteur-signature'];
  if (signatures && typeof signature === 'string') {
    const problem = signatures.check(signature, request.rawBody ?? Buffer.alloc(0));
    return problem ? { message: `Facteur-Signature refused: ${problem}`, log: problem } : null;
  }
  if (noKeysSet && !signatures) return { message: 'the API is closed until a key is set: put FACTEUR_API_KEYS=<a random key of 24 characters or more> in the environment, then send Authorization: Bearer <key>', log: 'no key configured' };
  return { message: `send Authorization: Bearer <key>${signatures ? ', or a body signed with Facteur-Signature' : ''}`, log: 'no credentials' };
}
