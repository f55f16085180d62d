import type { LowdbStore } from './lowdb/store.js';
import type { PostgresStore, RecordKind } from './postgres/store.js';
import type { Changes } from './store.js';

/** Records saved in one transaction: big enough to be quick, small enough to show progress and keep memory flat. */
const BATCH = 2_000;
/** The billing system's PDFs saved in one transaction: their bytes are read for it, a few MB at most. */
const PDF_BATCH = 50;

export interface CopyReport {
  /** Per kind of record: how many the data folder holds, and how many the database holds after the copy. */
  counts: Record<RecordKind, { source: number; destination: number }>;
  /** Kinds of which the database holds fewer than the folder: the copy is not complete. */
  short: RecordKind[];
}

/**
 * Moves what a data folder (`source`) holds into PostgreSQL: customers first (invoices name
 * them), then invoices and the billing system's PDFs (their bytes read a few at a time), the delivery log, the inbound records, chat links and staff records,
 * what counts as announced, and the suppressed addresses. Every record is written as it is, replacing the same one if
 * already there, so a copy stopped midway is completed by running it again. Ends by
 * counting each kind on both sides. The database is marked as taking a copy before anything
 * is written, and opens for nothing else until a copy ends with every kind counted whole.
 */
export async function copyStore(
  from: LowdbStore,
  source: string,
  to: PostgresStore,
  progress?: (done: number, total: number, what: string) => void,
): Promise<CopyReport> {
  await to.copyStarted(source, new Date().toISOString());
  const all = from.contents();
  const steps: [string, Changes[]][] = [
    ['customers', batches(all.customers, (customers) => ({ customers }))],
    ['invoices', batches(all.invoices, (invoices) => ({ invoices }))],
    ['deliveries', batches(all.deliveries, (deliveries) => ({ deliveries }))],
    ['inbound', batches(all.inbound, (inbound) => ({ inbound }))],
    ['announced', [...batches(all.announced, (announced) => ({ announced })), ...(all.announcingSince ? [{ announcingSince: all.announcingSince }] : [])]],
    ['chat', [...batches(all.linkAttempts, (linkAttempts) => ({ linkAttempts })), ...batches(all.chatMessages, (chatMessages) => ({ chatMessages }))]],
    ['staff', [...batches(all.staffActions, (staffActions) => ({ staffActions })), ...batches(all.heldRequests, (heldRequests) => ({ heldRequests }))]],
    ['suppressions', batches(all.suppressions, (suppressions) => ({ suppressions }))],
  ];
  const pdfBatches = Array.from({ length: Math.ceil(all.issuedPdfs.length / PDF_BATCH) }, (_, i) => all.issuedPdfs.slice(i * PDF_BATCH, (i + 1) * PDF_BATCH));
  const total = steps.reduce((sum, [, changes]) => sum + changes.length, 0) + pdfBatches.length;
  let done = 0;
  for (const [what, changes] of steps) {
    for (const change of changes) {
      await to.save(change);
      progress?.(++done, total, what);
    }
    if (what !== 'invoices') continue;
    for (const batch of pdfBatches) {
      await to.save({ pdfs: await Promise.all(batch.map(async (pdf) => ({ pdf, bytes: (await from.pdfBytes(pdf.sha256))! }))) });
      progress?.(++done, total, 'pdfs');
    }
  }
  // Push deliveries announce their invoices too: the folder's announced are those and the marked ones.
  const announced = new Set([...all.announced, ...all.deliveries.filter((d) => d.reason === 'push').flatMap((d) => d.invoices)]);
  const counted: Record<RecordKind, number> = {
    customers: all.customers.length,
    invoices: all.invoices.length,
    deliveries: all.deliveries.length,
    inbound: all.inbound.length,
    announced: announced.size,
    linkAttempts: all.linkAttempts.length,
    staffActions: all.staffActions.length,
    heldRequests: all.heldRequests.length,
    chatMessages: all.chatMessages.length,
    issuedPdfs: all.issuedPdfs.length,
    suppressions: all.suppressions.length,
  };
  const destination = await to.counts();
  const kinds = Object.keys(counted) as RecordKind[];
  const short = kinds.filter((kind) => destination[kind] < counted[kind]);
  if (short.length === 0) await to.copyFinished();
  return { counts: Object.fromEntries(kinds.map((kind) => [kind, { source: counted[kind], destination: destination[kind] }])) as CopyReport['counts'], short };
}

function batches<T>(items: T[], changes: (batch: T[]) => Changes): Changes[] {
  const result: Changes[] = [];
  for (let i = 0; i < items.length; i += BATCH) result.push(changes(items.slice(i, i + BATCH)));
  return result;
}
