import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Documents } from '../documents/port.js';
import { formatMegabytes } from '../billing/money.js';
import { LOCALES, type Customer, type Invoice, type Locale } from '../billing/types.js';
import type { Brand } from '../documents/template.js';
import { recordDownloaded } from '../download-links/downloaded.js';
import type { LinkReader } from '../download-links/links.js';
import { linkId, type LinkClaims } from '../download-links/token.js';
import type { Logger } from '../log.js';
import { tellPdfsMissing } from '../notifications/staff-notice.js';
import type { Store } from '../store/store.js';
import type { DownloadLimits } from '../config.js';
import type { Catalog, Params } from '../templates/catalog.js';
import { Kept } from './kept.js';
import { type NoSlot, Slots } from './slots.js';
import { brandedPage, type PageText } from './page.js';
import { MINUTE_MS, DAY_MS } from '../time.js';

/**
 * What the download pages use of the app: reading tokens, the customer and invoices a token names, their ZIP and which
 * PDFs are not there yet (staff told), the provider's brand, and how many ZIPs may be written at once.
 */
export interface DownloadServices {
  links: LinkReader;
  store: Pick<Store, 'customerById' | 'invoicesByNumber' | 'deliveries' | 'updateDelivery'>;
  documents: Pick<Documents, 'zipAttachment' | 'missingPdfs'> & { brand: Brand };
  catalog: Catalog;
  log: Logger;
  tellStaff: (notice: { subject: string; text: string }) => Promise<void>;
  limits: DownloadLimits;
}

/**
 * What a page says why it cannot give the file: a link that is not ours or names what is no
 * longer the customer's (404), one past its time (410), a link being downloaded as often as it
 * may at once, or every place taken (429, come back after `retryAfter` seconds), none of its
 * PDFs come from the billing system yet (503, PDF_SOURCE=billing), our fault (500).
 */
type Refusal = {
  status: 404 | 410 | 429 | 500 | 503;
  key: 'invalid' | 'expired' | 'busy' | 'full' | 'failed' | 'notYet';
  why: string;
  retryAfter?: number;
  params?: Params;
};

/** A link's customer and the invoices it gives now; `notYet`, those it names whose PDF the billing system has not sent (PDF_SOURCE=billing). */
type Resolved = { ok: true; customer: Customer; invoices: Invoice[]; notYet: string[] } | ({ ok: false } & Refusal);

/** What a link's page shows, worked out once in a while for every view of it. */
type PageFacts =
  | { ok: true; customerId: string; locale: Locale; count: number; from: string; to: string; size: number; filename: string; notYet: string[] }
  | ({ ok: false } & Refusal);

/**
 * How long a page's facts are kept: a flood of views of one link works them out once (each
 * costs a look-up of every invoice's PDF, ~0.3 ms apiece), while a page seen a minute after
 * a payment shows the ZIP's size again. The ZIP itself is always made of the invoices as they are.
 */
const FACTS_KEPT_MS = MINUTE_MS;
/** Links whose facts are kept at most: what the memory holds, whatever the number of links asked. */
const FACTS_KEPT = 1_000;
/** When a refused download is told to come back: a stalled one has given its place back by then. */
const RETRY_AFTER_SECONDS = 60;
/** Staff are told of a link's missing PDFs once a day at most, however often it is opened. */
const MISSING_TOLD_MS = DAY_MS;

/** Headers of every answer under /d: nothing kept, nothing framed or sniffed, and the token never sent on as a Referer. */
const PRIVATE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
};
const PAGE_HEADERS = {
  ...PRIVATE_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/**
 * Download links, under /d (no API key: the token is the credential): `GET /d/<token>`, a
 * small page naming what the link gives with a download button, and `GET /d/<token>/zip`,
 * the ZIP streamed as it is written. Both check the token, then that the customer is still
 * there and every invoice it names is still theirs; anything else gets a clear page in the
 * browser's language (or both of ours), never a stack, and a refusal in the log that names
 * the link by its id, never by its token.
 *
 * What one link, or many, can cost is bounded: a page's facts are kept a minute per link
 * (a thousand views cost one look-up), at most `perLink` ZIPs of one link and `atOnce` in all
 * are written at once (the next is told 429 with Retry-After, at once, and queues nothing),
 * and a reader that takes nothing for `idleMs` is cut off, giving its place back.
 */
export function downloadRoutes(app: FastifyInstance, services: DownloadServices): void {
  const { catalog, log, limits } = services;
  const kept = new Kept<PageFacts>(FACTS_KEPT_MS, FACTS_KEPT);
  const slots = new Slots(limits.perLink, limits.atOnce);
  const told = new Kept<void>(MISSING_TOLD_MS, FACTS_KEPT);
  /** What the link gives now, its missing PDFs logged and staff told (not awaited: the reader does not wait on staff's mail). */
  const resolved = async (token: string, claims: LinkClaims): Promise<Resolved> => {
    const found = await resolve(services, claims);
    if (found.ok && found.notYet.length > 0) void told.get(linkId(token), () => tellPdfsMissing(services, found.customer, found.notYet, 'a download link'));
    return found;
  };
  /** A link's claims and its page's facts for the browser asking (see `pageFacts`), or why it is refused. */
  const opened = async (token: string, request: FastifyRequest) => {
    const read = readToken(services, token);
    if (!read.ok) return read;
    const asked = preferredLocale(request);
    const facts = await kept.get(`${linkId(token)} ${asked ?? ''}`, async () => pageFacts(services, await resolved(token, read.claims), asked));
    return facts.ok ? { ...facts, claims: read.claims } : facts;
  };

  app.get<{ Params: { token: string } }>('/:token', async (request, reply) => {
    const { token } = request.params;
    const facts = await opened(token, request);
    if (!facts.ok) return refuse(request, reply, services, token, facts);
    const t = (key: string, params?: Params) => catalog.t(facts.locale, key, params);
    const files = t('download.page.files', { count: facts.count });
    const title =
      facts.from === facts.to ? t('download.page.title.year', { year: facts.from }) : t('download.page.title.years', { from: facts.from, to: facts.to });
    const expires = t('download.page.expires', { date: services.links.lastDay(facts.claims.expiresAt) });
    const notYet = facts.notYet.length > 0 ? [t('download.notYet', { numbers: facts.notYet.join(', '), count: facts.notYet.length })] : [];
    const page = brandedPage(services.documents.brand, [{ locale: facts.locale, title, paragraphs: [expires, ...notYet] }], {
      summary: t('download.page.summary', { files, size: formatMegabytes(facts.size, facts.locale) }),
      label: t('download.page.button'),
      // Relative, so that it leads to the ZIP under whatever prefix a proxy serves the page.
      href: `${token}/zip`,
      note: t('download.page.contents', { filename: facts.filename }),
    });
    log.info({ event: 'download.page', link: linkId(token), customer: facts.customerId, invoices: facts.count }, 'download page shown');
    return reply.headers(PAGE_HEADERS).send(page);
  });

  app.get<{ Params: { token: string } }>('/:token/zip', { exposeHeadRoute: false }, async (request, reply) => {
    const { token } = request.params;
    const read = readToken(services, token);
    if (!read.ok) return refuse(request, reply, services, token, read);
    const id = linkId(token);
    const slot = slots.take(id);
    if ('refused' in slot) return refuse(request, reply, services, token, busy(slot.refused, limits));
    // The place is given back however the answer ends: written whole, refused below, failed, or cut off.
    reply.raw.once('close', slot.release);
    const found = await resolved(token, read.claims);
    if (!found.ok) return refuse(request, reply, services, token, found);
    const locale = preferredLocale(request) ?? found.customer.locale;
    const zip = await services.documents.zipAttachment(found.invoices, { ...found.customer, locale });
    const stream = await zip.open();
    // What the link gives is on record with the message that carried it; a store that cannot say so does not stop the download.
    const carrier = await recordDownloaded(services.store, { id, customerId: read.claims.customerId, invoices: read.claims.invoices }, zip.files).catch(
      (error: unknown) => {
        log.error({ event: 'download.unrecorded', link: id, err: error }, 'the files of a download could not be put on record');
        return undefined;
      },
    );
    if (carrier === null) log.warn({ event: 'download.unrecorded', link: id }, 'no delivery carries this link: the files it gives are not on record');
    // Past the headers an error can only cut the download short: it is logged here, by the link's id.
    stream.on('error', (error) => log.error({ event: 'download.failed', link: id, err: error }, 'download cut short'));
    // A reader that takes nothing for that long is cut off, and what its ZIP holds in memory goes with it.
    reply.raw.setTimeout(limits.idleMs, () => {
      log.warn({ event: 'download.idle', link: id, ip: request.ip, seconds: limits.idleMs / 1000 }, 'download cut off: its reader took nothing');
      reply.raw.destroy();
    });
    log.info({ event: 'download', link: id, customer: found.customer.id, invoices: found.invoices.length }, 'download link used');
    return reply.headers(zipHeaders(zip.filename)).send(stream);
  });

  // What a download manager or a link checker asks first: the GET's status and headers, and no ZIP written for nobody.
  app.head<{ Params: { token: string } }>('/:token/zip', async (request, reply) => {
    const { token } = request.params;
    const facts = await opened(token, request);
    if (!facts.ok) return refuse(request, reply, services, token, facts);
    const refused = slots.wouldRefuse(linkId(token));
    if (refused) return refuse(request, reply, services, token, busy(refused, limits));
    return reply.headers(zipHeaders(facts.filename)).send();
  });

  // A path under /d that is no link's (a token cut or padded past any we make) and our own failures get a page too.
  app.setNotFoundHandler((request, reply) => refuse(request, reply, services, '', { status: 404, key: 'invalid', why: 'no such path' }));
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const token = (request.params as { token?: string } | undefined)?.token ?? '';
    if (error.statusCode !== undefined && error.statusCode < 500)
      return refuse(request, reply, services, token, { status: 404, key: 'invalid', why: error.message });
    log.error({ event: 'download.failed', link: linkId(token), err: error }, 'download page failed');
    return refuse(request, reply, services, token, { status: 500, key: 'failed', why: error.message });
  });
}

/**
 * A path under /d the router turned away before any route (a parameter past the longest
 * token we make, a broken %-escape): no link of ours, so the same page as any invalid one.
 */
export function refuseUnroutable(request: FastifyRequest, reply: FastifyReply, services: DownloadServices, why: string): FastifyReply {
  return refuse(request, reply, services, '', { status: 404, key: 'invalid', why });
}

/** A download refused for want of a place: this link's are all taken, or every one is. */
function busy(refused: NoSlot, limits: DownloadLimits): Refusal {
  const why = refused === 'key' ? `already ${limits.perLink} downloads of this link at once` : `already ${limits.atOnce} downloads at once`;
  return { status: 429, key: refused === 'key' ? 'busy' : 'full', why, retryAfter: RETRY_AFTER_SECONDS };
}

/** The claims of a token we signed and that has not expired (a check of its own, never kept: it is cheap, and a link must stop at its time). */
function readToken(services: DownloadServices, token: string): { ok: true; claims: LinkClaims } | ({ ok: false } & Refusal) {
  const verdict = services.links.read(token);
  if (verdict.ok) return verdict;
  return verdict.why === 'expired' ? { ok: false, status: 410, key: 'expired', why: 'expired' } : { ok: false, status: 404, key: 'invalid', why: verdict.why };
}

/**
 * The customer and invoices of a link's claims, if the customer is still there and every invoice still theirs; else why
 * not. Of those, the ones whose PDF may be sent (PDF_SOURCE=billing: the billing system sent it); none, and it is not yet.
 */
async function resolve(services: DownloadServices, claims: LinkClaims): Promise<Resolved> {
  const customer = await services.store.customerById(claims.customerId);
  if (!customer) return { ok: false, status: 404, key: 'invalid', why: 'the customer is no longer in the store' };
  // Signed by us, and still checked: an invoice that is not (or no longer) this customer's is never served through their link.
  const theirs = new Map(
    (await services.store.invoicesByNumber(claims.invoices))
      .filter((invoice) => invoice.customerId === customer.id)
      .map((invoice) => [invoice.number, invoice]),
  );
  const invoices = claims.invoices.flatMap((number) => theirs.get(number) ?? []);
  if (invoices.length === 0 || invoices.length !== new Set(claims.invoices).size)
    return { ok: false, status: 404, key: 'invalid', why: 'an invoice it names is not the customer\u2019s' };
  const notYet = await services.documents.missingPdfs(invoices);
  const sendable = invoices.filter((invoice) => !notYet.includes(invoice.number));
  if (sendable.length === 0)
    return {
      ok: false,
      status: 503,
      key: 'notYet',
      why: `no PDF of ${notYet.join(', ')} from the billing system yet`,
      params: { numbers: notYet.join(', '), count: notYet.length },
    };
  return { ok: true, customer, invoices: sendable, notYet };
}

/** What the page of a link shows: its years, how many files, the ZIP's size and name in the reader's language, and which PDFs have not come. */
async function pageFacts(services: DownloadServices, found: Resolved, asked: Locale | null): Promise<PageFacts> {
  if (!found.ok) return found;
  const locale = asked ?? found.customer.locale;
  const zip = await services.documents.zipAttachment(found.invoices, { ...found.customer, locale });
  const years = found.invoices.map((invoice) => invoice.issuedAt.slice(0, 4)).sort();
  return {
    ok: true,
    customerId: found.customer.id,
    locale,
    count: found.invoices.length,
    from: years[0]!,
    to: years.at(-1)!,
    size: zip.size,
    filename: zip.filename,
    notYet: found.notYet,
  };
}

function refuse(request: FastifyRequest, reply: FastifyReply, services: DownloadServices, token: string, refusal: Refusal): FastifyReply {
  const { catalog, log } = services;
  if (refusal.status !== 500)
    log.warn(
      { event: 'download.refused', link: token ? linkId(token) : null, why: refusal.why, status: refusal.status, ip: request.ip },
      'download link refused',
    );
  const asked = preferredLocale(request);
  // A browser that asked for neither of our languages reads both.
  const texts: PageText[] = (asked ? [asked] : LOCALES).map((locale) => ({
    locale,
    title: catalog.t(locale, `download.${refusal.key}.title`, refusal.params),
    paragraphs: [catalog.t(locale, `download.${refusal.key}`, refusal.params)],
  }));
  if (refusal.retryAfter) reply.header('retry-after', String(refusal.retryAfter));
  return reply.code(refusal.status).headers(PAGE_HEADERS).send(brandedPage(services.documents.brand, texts));
}

/** French or English, whichever Accept-Language ranks higher; null when it names neither (or nothing). */
function preferredLocale(request: FastifyRequest): Locale | null {
  const header = request.headers['accept-language'];
  if (typeof header !== 'string') return null;
  let best: { locale: Locale; q: number } | null = null;
  for (const part of header.split(',').slice(0, 20)) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined) ?? 1);
    const locale = LOCALES.find((candidate) => range === candidate || range.startsWith(`${candidate}-`));
    if (locale && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? null;
}

function zipHeaders(filename: string): Record<string, string> {
  return { ...PRIVATE_HEADERS, 'content-type': 'application/zip', 'content-disposition': attachment(filename) };
}

/** `attachment` with the name twice: plain ASCII for old clients, and RFC 5987's UTF-8 for the rest (safeName keeps letters of any script). */
function attachment(filename: string): string {
  const ascii =
    filename
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '_') || 'factures.zip';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
