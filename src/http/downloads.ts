import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Documents } from '../assistant/context.js';
import { formatMegabytes } from '../billing/money.js';
import { LOCALES, type Customer, type Invoice, type Locale } from '../billing/types.js';
import type { Attachment } from '../documents/attachment.js';
import type { Brand } from '../documents/template.js';
import type { LinkReader } from '../links/links.js';
import { linkId, type LinkClaims } from '../links/token.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { Catalog, Params } from '../templates/catalog.js';
import { brandedPage, type PageText } from './page.js';

/** What the download pages use of the app: reading tokens, the customer and invoices a token names, their ZIP and the provider's brand. */
export interface DownloadServices {
  links: LinkReader;
  store: Pick<Store, 'customerById' | 'invoicesByNumber'>;
  documents: Pick<Documents, 'zipAttachment'> & { brand: Brand };
  catalog: Catalog;
  log: Logger;
}

/** What a page says why it cannot give the file: a link that is not ours or names what is no longer the customer's (404), one past its time (410), our fault (500). */
type Refusal = { status: 404 | 410 | 500; key: 'invalid' | 'expired' | 'failed'; why: string };

type Resolved = { ok: true; claims: LinkClaims; customer: Customer; invoices: Invoice[] } | ({ ok: false } & Refusal);

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
 */
export function downloadRoutes(app: FastifyInstance, services: DownloadServices): void {
  const { catalog, log } = services;

  app.get<{ Params: { token: string } }>('/:token', async (request, reply) => {
    const { token } = request.params;
    const found = await resolve(services, token);
    if (!found.ok) return refuse(request, reply, services, token, found);
    const locale = preferredLocale(request) ?? found.customer.locale;
    const t = (key: string, params?: Params) => catalog.t(locale, key, params);
    const zip = await services.documents.zipAttachment(found.invoices, { ...found.customer, locale });
    const years = found.invoices.map((invoice) => invoice.issuedAt.slice(0, 4)).sort();
    const [from, to] = [years[0]!, years.at(-1)!];
    const count = found.invoices.length;
    const files = t('download.page.files', { count });
    const title = from === to ? t('download.page.title.year', { year: from }) : t('download.page.title.years', { from, to });
    const expires = t('download.page.expires', { date: services.links.lastDay(found.claims.expiresAt) });
    const page = brandedPage(
      services.documents.brand,
      [{ locale, title, paragraphs: [expires] }],
      {
        summary: t('download.page.summary', { files, size: formatMegabytes(zip.size, locale) }),
        label: t('download.page.button'),
        // Relative, so that it leads to the ZIP under whatever prefix a proxy serves the page.
        href: `${token}/zip`,
        note: t('download.page.contents', { filename: zip.filename }),
      },
    );
    log.info({ event: 'download.page', link: linkId(token), customer: found.customer.id, invoices: count }, 'download page shown');
    return reply.headers(PAGE_HEADERS).send(page);
  });

  app.get<{ Params: { token: string } }>('/:token/zip', { exposeHeadRoute: false }, async (request, reply) => {
    const { token } = request.params;
    const found = await resolve(services, token);
    if (!found.ok) return refuse(request, reply, services, token, found);
    const locale = preferredLocale(request) ?? found.customer.locale;
    const zip = await services.documents.zipAttachment(found.invoices, { ...found.customer, locale });
    const stream = await zip.open();
    const id = linkId(token);
    // Past the headers an error can only cut the download short: it is logged here, by the link's id.
    stream.on('error', (error) => log.error({ event: 'download.failed', link: id, err: error }, 'download cut short'));
    log.info({ event: 'download', link: id, customer: found.customer.id, invoices: found.invoices.length }, 'download link used');
    return reply.headers(zipHeaders(zip)).send(stream);
  });

  // What a download manager or a link checker asks first: the GET's status and headers, and no ZIP written for nobody.
  app.head<{ Params: { token: string } }>('/:token/zip', async (request, reply) => {
    const { token } = request.params;
    const found = await resolve(services, token);
    if (!found.ok) return refuse(request, reply, services, token, found);
    const zip = await services.documents.zipAttachment(found.invoices, { ...found.customer, locale: preferredLocale(request) ?? found.customer.locale });
    return reply.headers(zipHeaders(zip)).send();
  });

  // A path under /d that is no link's (a token cut or padded past any we make) and our own failures get a page too.
  app.setNotFoundHandler((request, reply) => refuse(request, reply, services, '', { status: 404, key: 'invalid', why: 'no such path' }));
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const token = (request.params as { token?: string } | undefined)?.token ?? '';
    if (error.statusCode !== undefined && error.statusCode < 500) return refuse(request, reply, services, token, { status: 404, key: 'invalid', why: error.message });
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

/** The claims of a good token whose customer and invoices are as it says; else why not. */
async function resolve(services: DownloadServices, token: string): Promise<Resolved> {
  const verdict = services.links.read(token);
  if (!verdict.ok) return verdict.why === 'expired' ? { ok: false, status: 410, key: 'expired', why: 'expired' } : { ok: false, status: 404, key: 'invalid', why: verdict.why };
  const { claims } = verdict;
  const customer = await services.store.customerById(claims.customerId);
  if (!customer) return { ok: false, status: 404, key: 'invalid', why: 'the customer is no longer in the store' };
  // Signed by us, and still checked: an invoice that is not (or no longer) this customer's is never served through their link.
  const theirs = new Map((await services.store.invoicesByNumber(claims.invoices)).filter((invoice) => invoice.customerId === customer.id).map((invoice) => [invoice.number, invoice]));
  const invoices = claims.invoices.flatMap((number) => theirs.get(number) ?? []);
  if (invoices.length === 0 || invoices.length !== new Set(claims.invoices).size) return { ok: false, status: 404, key: 'invalid', why: 'an invoice it names is not the customer\u2019s' };
  return { ok: true, claims, customer, invoices };
}

function refuse(request: FastifyRequest, reply: FastifyReply, services: DownloadServices, token: string, refusal: Refusal): FastifyReply {
  const { catalog, log } = services;
  if (refusal.status !== 500) log.warn({ event: 'download.refused', link: token ? linkId(token) : null, why: refusal.why, status: refusal.status, ip: request.ip }, 'download link refused');
  const asked = preferredLocale(request);
  // A browser that asked for neither of our languages reads both.
  const texts: PageText[] = (asked ? [asked] : LOCALES).map((locale) => ({
    locale,
    title: catalog.t(locale, `download.${refusal.key}.title`),
    paragraphs: [catalog.t(locale, `download.${refusal.key}`)],
  }));
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

function zipHeaders(zip: Attachment): Record<string, string> {
  return { ...PRIVATE_HEADERS, 'content-type': zip.contentType, 'content-disposition': attachment(zip.filename) };
}

/** `attachment` with the name twice: plain ASCII for old clients, and RFC 5987's UTF-8 for the rest (safeName keeps letters of any script). */
function attachment(filename: string): string {
  const ascii = filename.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_') || 'factures.zip';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
