import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ConfigError, type HttpSettings } from '../config.js';
import { ImportError, importBytes } from '../import/import.js';
import type { PdfChecks } from '../import/pdfs.js';
import { megabytes } from '../documents/reading/check.js';
import { ImportEnvelope } from './envelope.js';
import type { Logger } from '../log.js';
import { StoreError, type Store } from '../store/store.js';
import { MAX_TOKEN_LENGTH } from '../download-links/token.js';
import { bearerOf, Keys, Signatures, type GoodSignature } from './auth.js';
import { downloadRoutes, refuseUnroutable, type DownloadServices } from './downloads.js';
import { healthRoutes, type Probe } from './health.js';
import { intakeRoutes, pdfRoute, refuse, refuseCredentials, type Refusal } from './intake.js';
import { suppressionRoutes } from './suppressions.js';
import { metrics, metricsRoute } from './metrics.js';
import { removeServiceFile, serviceFilePath, writeServiceFile } from './service-file.js';

/** How long a request may take to arrive whole. */
const REQUEST_TIMEOUT_MS = 30_000;
/** A signed body at most: a webhook carries an invoice or a few, and its signature is checked before it is parsed. */
const SIGNED_BODY_LIMIT = 1024 * 1024;

/** The store's server cannot be reached (PostgreSQL down): the caller should try again, not give up. */
function isUnreachable(error: { code?: string }): boolean {
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P03'].includes(error.code ?? '');
}

export interface HttpServices {
  store: Store;
  log: Logger;
  dataDir: string;
  /** The import's size limit: a file `facteur import` sends may be that big. */
  importMaxBytes: number;
  /** How the billing system's PDFs are checked (FACTEUR_PDF_MAX_MB, the reader), whichever way they come. */
  pdfs: PdfChecks;
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
    /** How the caller proved itself: a key, or a signature checked once the body is read. */
    credential: 'key' | 'signature' | null;
    /** Why a signed body's signature did not hold, found before the body was parsed. */
    signatureProblem: string | null;
    /** The signature that held: what the intake uses up once the request succeeds. */
    signed: GoodSignature | null;
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
  // A request has 30 s to arrive whole, and stopping closes what is still open: a client
  // trickling a body holds neither memory nor the service's shutdown.
  const app = Fastify({
    bodyLimit: settings.bodyLimitBytes,
    requestTimeout: REQUEST_TIMEOUT_MS,
    forceCloseConnections: true,
    // Behind the README's TLS proxy every request comes from the proxy: only a named one may say who is behind it.
    ...(settings.trustProxy.length > 0 ? { trustProxy: settings.trustProxy } : {}),
    // A download link's token is one path parameter: room for the longest one made.
    routerOptions: { maxParamLength: MAX_TOKEN_LENGTH },
    logController: new LogController({ disableRequestLogging: true }),
    loggerInstance: services.log.child({ part: 'http' }) as FastifyBaseLogger,
    // What the router refuses before any route: under /d a page like any refused link's; elsewhere Fastify's own answer.
    frameworkErrors: (error, request, reply) => {
      if (services.downloads && isDownloadPath(request.url)) {
        void refuseUnroutable(request, reply, { ...services.downloads, store: services.store, log: services.log }, error.code);
        return;
      }
      const status = error.statusCode ?? 400;
      void (reply as unknown as FastifyReply)
        .code(status)
        .send({ statusCode: status, error: status === 414 ? 'URI Too Long' : 'Bad Request', code: error.code, message: error.message });
    },
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status < 500) return refuse(reply, status, error.message);
    // What went wrong inside is the operator's to read in the log, not the caller's.
    services.log.error({ err: error, event: 'http.failed', method: request.method, route: routeOf(request) }, 'HTTP: a request failed');
    const storeDown = isUnreachable(error);
    if (storeDown) reply.header('retry-after', '30');
    return reply.code(storeDown ? 503 : 500).send({
      statusCode: storeDown ? 503 : 500,
      error: storeDown ? 'Service Unavailable' : 'Internal Server Error',
      message: storeDown ? 'the store cannot be reached now; try again later' : 'the request could not be handled; the service log says why',
    });
  });
  app.addHook('onResponse', async (request, reply) => {
    const level = request.url.startsWith('/api/') ? 'info' : 'debug';
    services.log[level](
      { event: 'http', method: request.method, route: routeOf(request), status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'http request',
    );
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
    throw Object.assign(
      new ConfigError(
        `HTTP could not listen on ${settings.host}:${settings.port} (${(error as Error).message}): set HTTP_PORT to a free port, or HTTP_ENABLED=false`,
      ),
      { cause: error },
    );
  }
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  try {
    await writeServiceFile(services.dataDir, { url, key: localKey, pid: process.pid });
  } catch (error) {
    // A server left listening with no service file would take writes beside an import that opens the store itself.
    await app.close();
    stop();
    throw Object.assign(
      new StoreError(
        serviceFilePath(services.dataDir),
        `the service file could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        'Remove or fix it, then start again.',
      ),
      { cause: error },
    );
  }
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

/**
 * Everything under /api/v1. A key is checked as soon as the headers are in, before any body is
 * read, so that no one without one makes the server buffer anything; a signature, which is
 * over the body, is checked once the body (within the JSON limit) is read.
 */
async function apiRoutes(api: FastifyInstance, settings: HttpSettings, services: HttpServices, localKey: string): Promise<void> {
  const keys = new Keys([...settings.apiKeys, localKey]);
  const signatures = settings.webhookSecret ? new Signatures(settings.webhookSecret) : null;
  const refused = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal) => refuseCredentials(request, reply, services.log, refusal);
  api.decorateRequest('credential', null);
  api.decorateRequest('signatureProblem', null);
  api.decorateRequest('signed', null);
  api.removeAllContentTypeParsers();
  api.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    request.rawBody = body;
    // A signed body is checked before it is parsed: a forged one costs no JSON.parse.
    if (request.credential === 'signature') {
      const checked = signatures!.check(String(request.headers['facteur-signature']), body);
      if (typeof checked === 'string') {
        request.signatureProblem = checked;
        return done(null, undefined);
      }
      request.signed = checked;
    }
    try {
      done(null, body.length === 0 ? undefined : JSON.parse(body.toString('utf8')));
    } catch (error) {
      done(Object.assign(new Error(`the body is not valid JSON (${(error as Error).message})`), { statusCode: 400 }));
    }
  });
  api.addHook('onRequest', async (request, reply) => {
    const credential = credentialOf(request, keys, signatures, settings.apiKeys.length === 0);
    if ('message' in credential) return refused(request, reply, credential);
    request.credential = credential.kind;
    if (credential.kind !== 'signature') return;
    // The signature covers the body, not the method or path: it stands only for what webhooks do, hand over invoices.
    if (request.method !== 'POST' || request.routeOptions.url !== '/api/v1/invoices')
      return refused(request, reply, {
        message: 'a signature stands only for POST /api/v1/invoices; other calls need Authorization: Bearer <key>',
        log: 'signature on another route',
      });
    const problem = signatures!.precheck(String(request.headers['facteur-signature']));
    if (problem) return refused(request, reply, { message: `Facteur-Signature refused: ${problem}`, log: problem });
    const length = Number(request.headers['content-length']);
    if (!(length <= SIGNED_BODY_LIMIT))
      return refuse(reply, 413, `a signed body must say its length (Content-Length) and be at most ${SIGNED_BODY_LIMIT / 1024} KB; send more with a key`);
  });
  api.addHook('preHandler', async (request, reply) => {
    if (request.credential !== 'signature') return;
    const problem = request.signatureProblem ?? (request.rawBody ? null : 'the signed request has no body');
    if (problem) return refused(request, reply, { message: `Facteur-Signature refused: ${problem}`, log: problem });
  });
  intakeRoutes(api, services);
  suppressionRoutes(api, services);
  // A billing system's PDF, as its bytes (application/pdf), up to FACTEUR_PDF_MAX_MB; by key only.
  await api.register(async (pdfs) => {
    pdfs.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: services.pdfs.maxBytes }, (_request, body: Buffer, done) => done(null, body));
    pdfs.setErrorHandler((error: Error & { code?: string }, _request, reply) => {
      if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
      return refuse(reply, 413, `the PDF is more than the ${megabytes(services.pdfs.maxBytes)} MB allowed (FACTEUR_PDF_MAX_MB): nothing was kept`);
    });
    pdfRoute(pdfs, services);
  });
  // What `facteur import` sends: the file's bytes as they are, read as the file would be, up to the import's limit; by key only.
  await api.register(async (imports) => {
    imports.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: services.importMaxBytes }, (_request, body: Buffer, done) => done(null, body));
    imports.addHook('onRequest', async (request, reply) => {
      if (request.credential !== 'key') return refused(request, reply, { message: 'an import needs Authorization: Bearer <key>', log: 'import without a key' });
    });
    imports.post<{ Querystring: { name?: string; pdfs?: string } }>('/imports', { bodyLimit: services.importMaxBytes }, async (request, reply) => {
      const name = request.query.name;
      if (!name || !Buffer.isBuffer(request.body))
        return refuse(reply, 400, 'send the file\u2019s bytes (Content-Type: application/octet-stream) with ?name=<its file name>');
      try {
        // With `--pdfs DIR`, the file and the folder's PDFs come together (see envelope.ts).
        if (request.query.pdfs === '1') {
          const envelope = ImportEnvelope.read(request.body, services.pdfs.maxBytes);
          if (typeof envelope === 'string') return refuse(reply, 400, envelope);
          return await importBytes(services.store, name, envelope.file, { ...services.pdfs, find: envelope.find, offered: envelope.names });
        }
        return await importBytes(services.store, name, request.body, services.pdfs);
      } catch (error) {
        // The file and the problem apart, so that `facteur import` says it in the words it would have used itself.
        if (error instanceof ImportError)
          return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message, file: error.file, problem: error.problem });
        throw error;
      }
    });
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

/** How the request says who it is, from its headers alone: a known key, a signature to check over the body, or a refusal. */
function credentialOf(request: FastifyRequest, keys: Keys, signatures: Signatures | null, noKeysSet: boolean): { kind: 'key' | 'signature' } | Refusal {
  const bearer = bearerOf(request.headers.authorization);
  if (bearer !== null) return keys.matches(bearer) ? { kind: 'key' } : { message: 'this API key is not one of FACTEUR_API_KEYS', log: 'unknown key' };
  if (signatures && typeof request.headers['facteur-signature'] === 'string') return { kind: 'signature' };
  if (noKeysSet && !signatures)
    return {
      message:
        'the API is closed until a key is set: put FACTEUR_API_KEYS=<a random key of 24 characters or more> in the environment, then send Authorization: Bearer <key>',
      log: 'no key configured',
    };
  return { message: `send Authorization: Bearer <key>${signatures ? ', or a body signed with Facteur-Signature' : ''}`, log: 'no credentials' };
}
