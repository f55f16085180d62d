import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { byIssueDateDesc, matchesFilter, type InvoiceFilter } from '../../billing/filter.js';
import type { IssuedPdf, IssuedPdfBytes } from '../../billing/files.js';
import type { Customer, Invoice } from '../../billing/types.js';
import type { Logger } from '../../log.js';
import type { Delivery, DeliveryQuery } from '../../billing/delivery.js';
import {
  MAX_CHAT_MESSAGES,
  StoreError,
  type ChatMessage,
  type Changes,
  type HeldRequest,
  type InboundMessage,
  type LinkAttempt,
  type SignedReceipt,
  type StaffAction,
  type Store,
  type Suppression,
} from '../store.js';
import { MIGRATIONS } from './migrations.js';
import { customerRow, deliveryRow, inboundRow, invoiceRow, linkAttemptRow, linkRows, staffActionRow } from './rows.js';
import type { Tables } from './tables.js';
import { unreachable } from './reach.js';

type Db = Kysely<Tables> | Transaction<Tables>;

/** The kinds of records a store holds, as `facteur db copy` counts them. */
export type RecordKind =
  | 'customers'
  | 'invoices'
  | 'deliveries'
  | 'inbound'
  | 'announced'
  | 'linkAttempts'
  | 'staffActions'
  | 'heldRequests'
  | 'chatMessages'
  | 'issuedPdfs'
  | 'suppressions';

/** The setting that says a copy into this database is under way, or was stopped before it finished (see `copyStarted`). */
const UNFINISHED_COPY = 'copy.unfinished';

/** Inbound records whose handling is over: the only ones retention drops. */
const FINISHED = ['replied', 'ignored', 'failed'];

/**
 * The store in PostgreSQL (`DATABASE_URL=postgres://…`), for providers past one machine:
 * nothing is loaded whole, and any number of Facteur processes may share one database.
 * Every `save` is one transaction; every `update…` locks the record it changes (or, for a
 * record that may not exist yet, a transaction-scoped advisory lock on its key) so that the
 * change runs on the record as it is, whichever process asks.
 */
export class PostgresStore implements Store {
  readonly shared = true;
  /** The last turn queued of each serial job, in this process. */
  private readonly turns = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly db: Kysely<Tables>,
    private readonly pool: pg.Pool,
  ) {}

  /**
   * Connects and brings the schema up to date (unless `migrate` is false: `facteur db migrate` does it itself). The pool reconnects by itself: a query made
   * while the server is away fails, and the next one after it is back succeeds.
   */
  static async open(url: string, log: Logger, options: { migrate?: boolean; copying?: boolean } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
    // An idle connection the server dropped (a restart) must not take the process with it.
    pool.on('error', (error) => log.warn({ err: error }, 'postgres: an idle connection was lost; the next query opens another'));
    // Nor one lost while checked out between two queries of a transaction: the pool listens to
    // idle connections only, and an 'error' nobody hears ends the process. The transaction's
    // next query fails, and the caller deals with that.
    pool.on('connect', (client) => client.on('error', (error) => log.warn({ err: error }, 'postgres: a connection in use was lost')));
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    const store = new PostgresStore(db, pool);
    try {
      // Reached first, whatever comes next (a migration, a copy): a database that cannot be used is said as such.
      await sql`select 1`.execute(db);
      if (options.migrate ?? true) await store.migrate(log);
      if ((options.migrate ?? true) && !options.copying) await store.refuseUnfinishedCopy(url);
    } catch (error) {
      await db.destroy();
      throw unreachable(url, error, options.copying ? '--to' : 'DATABASE_URL') ?? error;
    }
    return store;
  }

  /** Applies the migrations not yet applied; returns their names. */
  async migrate(log: Logger): Promise<string[]> {
    const migrator = new Migrator({ db: this.db, provider: { getMigrations: async () => MIGRATIONS } });
    const { error, results = [] } = await migrator.migrateToLatest();
    const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (applied.length > 0) log.info({ migrations: applied }, 'postgres: schema brought up to date');
    if (error) throw new Error(`PostgreSQL migration failed: ${(error as Error).message ?? String(error)}`, { cause: error });
    return applied;
  }

  async customerById(id: string): Promise<Customer | undefined> {
    return (await this.db.selectFrom('customers').select('doc').where('id', '=', id).executeTakeFirst())?.doc;
  }

  async customerByAddress(address: string): Promise<Customer | undefined> {
    const lower = address.trim().toLowerCase();
    // A login email wins over someone else's notification address.
    const row = await this.db
      .selectFrom('customers')
      .select('doc')
      .where((eb) => eb.or([eb('email', '=', lower), eb('address', '=', lower)]))
      .orderBy(sql`email = ${lower}`, 'desc')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row?.doc;
  }

  async customerByPendingAddress(address: string): Promise<Customer | undefined> {
    return (
      await this.db.selectFrom('customers').select('doc').where('pending_address', '=', address.trim().toLowerCase()).orderBy('id').limit(1).executeTakeFirst()
    )?.doc;
  }

  async customerByAskingContact(address: string): Promise<Customer | undefined> {
    const lower = address.trim().toLowerCase();
    // Two rows found mean two customers allowed this address: it names neither (see Store).
    const rows = await this.db
      .selectFrom('customers')
      .select('doc')
      .where('asking_contacts', '@>', sql<string[]>`array[${lower}]::text[]`)
      .limit(2)
      .execute();
    return rows.length === 1 ? rows[0]!.doc : undefined;
  }

  async customers(page: { offset?: number; limit?: number } = {}): Promise<Customer[]> {
    let query = this.db
      .selectFrom('customers')
      .select('doc')
      .orderBy('name')
      .orderBy('id')
      .offset(page.offset ?? 0);
    if (page.limit !== undefined) query = query.limit(page.limit);
    return (await query.execute()).map((row) => row.doc);
  }

  async customersByEmail(emails: string[]): Promise<Customer[]> {
    if (emails.length === 0) return [];
    const rows = await this.db
      .selectFrom('customers')
      .select('doc')
      .where('email', '=', sql<string>`any(${emails.map((e) => e.toLowerCase())}::text[])`)
      .execute();
    return rows.map((row) => row.doc);
  }

  async countCustomers(): Promise<number> {
    const row = await this.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async customerByLink(network: string, userId: string): Promise<Customer | undefined> {
    const row = await this.db
      .selectFrom('customer_links')
      .innerJoin('customers', 'customers.id', 'customer_links.customer_id')
      .select('customers.doc')
      .where('customer_links.account', '=', `${network}:${userId}`)
      .executeTakeFirst();
    return row?.doc;
  }

  async linkAttempt(account: string): Promise<LinkAttempt | undefined> {
    return (await this.db.selectFrom('link_attempts').select('doc').where('account', '=', account).executeTakeFirst())?.doc;
  }

  async linkFailuresFor(customerId: string, since: string): Promise<number> {
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from link_attempts, jsonb_array_elements(doc->'failedFor') as failure
      where failure->>'customerId' = ${customerId} and failure->>'at' >= ${since}`.execute(this.db);
    return Number(rows[0]?.count ?? 0);
  }

  async heldRequest(staff: string): Promise<HeldRequest | undefined> {
    return (await this.db.selectFrom('held_requests').select('doc').where('staff', '=', staff).executeTakeFirst())?.doc;
  }

  async chatMessage(id: string): Promise<ChatMessage | undefined> {
    return (await this.db.selectFrom('chat_messages').select('doc').where('id', '=', id).executeTakeFirst())?.doc;
  }

  async staffActions(since = ''): Promise<StaffAction[]> {
    const rows = await this.db.selectFrom('staff_actions').select('doc').where('at', '>=', since).orderBy('at').orderBy('id').execute();
    return rows.map((row) => row.doc);
  }

  async invoice(number: string): Promise<Invoice | undefined> {
    return (await this.db.selectFrom('invoices').select('doc').where('number', '=', number).executeTakeFirst())?.doc;
  }

  async invoicesByNumber(numbers: string[]): Promise<Invoice[]> {
    if (numbers.length === 0) return [];
    const rows = await this.db
      .selectFrom('invoices')
      .select('doc')
      .where('number', '=', sql<string>`any(${numbers}::text[])`)
      .execute();
    return rows.map((row) => row.doc);
  }

  async invoices(customerId: string, filter: InvoiceFilter = {}): Promise<Invoice[]> {
    let query = this.db.selectFrom('invoices').select('doc').where('customer_id', '=', customerId);
    const from = [
      filter.from,
      filter.year === undefined ? undefined : `${filter.year}-${filter.month === undefined ? '01' : String(filter.month).padStart(2, '0')}-01`,
    ];
    for (const day of from) if (day !== undefined) query = query.where('issued_at', '>=', day);
    if (filter.to !== undefined) query = query.where('issued_at', '<=', filter.to);
    if (filter.year !== undefined) {
      const end = filter.month === undefined ? `${filter.year}-12-31` : `${filter.year}-${String(filter.month).padStart(2, '0')}-31`;
      query = query.where('issued_at', '<=', end);
    }
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.dueBefore !== undefined) query = query.where('due_at', '<', filter.dueBefore);
    if (filter.numbers !== undefined) query = query.where('number', '=', sql<string>`any(${filter.numbers}::text[])`);
    // Sorted here as the lowdb store sorts: by date, then by number read as a number.
    // What SQL does not narrow (unions, the day paid, what is left out) is the filter's own test, as the lowdb store applies it.
    return (await query.execute())
      .map((row) => row.doc)
      .filter((invoice) => matchesFilter(invoice, filter))
      .sort(byIssueDateDesc);
  }

  async inboundMessage(key: string, copy: { messageId: string; sender: string } | null): Promise<InboundMessage | undefined> {
    return inboundOf(this.db, key, copy);
  }

  async answeredInbound(query: { since: string; sender?: string; strangers?: boolean }): Promise<number> {
    let select = this.db
      .selectFrom('inbound')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('sent', '>', 0)
      .where('received_at', '>=', query.since);
    if (query.sender !== undefined) select = select.where('sender', '=', query.sender.toLowerCase());
    if (query.strangers) select = select.where('customer_id', 'is', null);
    return Number((await select.executeTakeFirstOrThrow()).count);
  }

  async delivery(id: string): Promise<Delivery | undefined> {
    return (await this.db.selectFrom('deliveries').select('doc').where('id', '=', id).executeTakeFirst())?.doc;
  }

  async deliveries(query: DeliveryQuery = {}): Promise<Delivery[]> {
    let select = this.db.selectFrom('deliveries').select('doc');
    if (query.customerId !== undefined) select = select.where('customer_id', '=', query.customerId);
    if (query.status !== undefined) select = select.where('status', 'in', Array.isArray(query.status) ? query.status : [query.status]);
    if (query.messageId !== undefined) select = select.where(sql<string>`doc->>'messageId'`, '=', query.messageId);
    if (query.reason !== undefined) select = select.where('reason', '=', query.reason);
    if (query.requestedBy !== undefined) select = select.where('requested_by', '=', query.requestedBy);
    if (query.invoice !== undefined) select = select.where(sql<boolean>`invoices @> array[${query.invoice}]::text[]`);
    if (query.idPrefix !== undefined) select = select.where('id', 'like', `${query.idPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (query.since !== undefined) select = select.where('created_at', '>=', query.since);
    if (query.dueAt !== undefined) select = select.where('next_attempt_at', 'is not', null).where('next_attempt_at', '<=', query.dueAt);
    if (query.file !== undefined) select = select.where(sql<boolean>`files @> array[${query.file}]::text[]`);
    return (await select.orderBy('created_at').orderBy('id').execute()).map((row) => row.doc);
  }

  async suppression(address: string): Promise<Suppression | undefined> {
    return (await this.db.selectFrom('suppressions').select('doc').where('address', '=', address.toLowerCase()).executeTakeFirst())?.doc;
  }

  async suppressions(): Promise<Suppression[]> {
    return (await this.db.selectFrom('suppressions').select('doc').orderBy('since').orderBy('address').execute()).map((row) => row.doc);
  }

  async signedReceipt(signature: string): Promise<SignedReceipt | undefined> {
    return (await this.db.selectFrom('signed_receipts').select('doc').where('signature', '=', signature).executeTakeFirst())?.doc;
  }

  async lastSigned(numbers: string[]): Promise<Map<string, string>> {
    if (numbers.length === 0) return new Map();
    const { rows } = await sql<{ number: string; at: string }>`
      select carried.number, max(signed_at) as at
      from signed_receipts, unnest(invoices) as carried(number)
      where invoices && ${numbers}::text[] and carried.number = any(${numbers}::text[])
      group by carried.number`.execute(this.db);
    return new Map(rows.map((row) => [row.number, row.at]));
  }

  async issuedPdfs(numbers: string[]): Promise<Map<string, IssuedPdf>> {
    if (numbers.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('issued_pdfs')
      .selectAll()
      .distinctOn('invoice')
      .where('invoice', '=', sql<string>`any(${numbers}::text[])`)
      .orderBy('invoice')
      .orderBy('received_at', 'desc')
      .orderBy('sha256', 'desc')
      .execute();
    return new Map(rows.map((row) => [row.invoice, issuedOf(row)]));
  }

  async issuedPdfHistory(query: { invoice: string } | { sha256: string }): Promise<IssuedPdf[]> {
    let select = this.db.selectFrom('issued_pdfs').selectAll();
    select = 'invoice' in query ? select.where('invoice', '=', query.invoice) : select.where('sha256', '=', query.sha256);
    return (await select.orderBy('received_at').orderBy('sha256').execute()).map(issuedOf);
  }

  async pdfBytes(sha256: string): Promise<Buffer | undefined> {
    return (await this.db.selectFrom('pdf_bytes').select('bytes').where('sha256', '=', sha256).executeTakeFirst())?.bytes;
  }

  async unpaidDueBy(day: string): Promise<Invoice[]> {
    const rows = await this.db
      .selectFrom('invoices')
      .select('doc')
      .where('status', '=', 'unpaid')
      .where('due_at', '<=', day)
      .orderBy('due_at')
      .orderBy('number')
      .execute();
    return rows.map((row) => row.doc);
  }

  async remindedOffsets(numbers: string[]): Promise<Map<string, number>> {
    if (numbers.length === 0) return new Map();
    const { rows } = await sql<{ number: string; offset: number }>`
      select reminded.key as number, max(reminded.value::int) as offset
      from deliveries, jsonb_each_text(doc->'reminded') as reminded
      where reason = 'reminder' and invoices && ${numbers}::text[] and reminded.key = any(${numbers}::text[])
      group by reminded.key`.execute(this.db);
    return new Map(rows.map((row) => [row.number, Number(row.offset)]));
  }

  async unannouncedInvoices(): Promise<Invoice[]> {
    const rows = await this.db
      .selectFrom('invoices')
      .select('doc')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('announced').select('number').whereRef('announced.number', '=', 'invoices.number'))))
      .orderBy('issued_at')
      .orderBy('number')
      .execute();
    return rows.map((row) => row.doc);
  }

  async announcingSince(): Promise<string | null> {
    return (await this.db.selectFrom('settings').select('value').where('key', '=', 'announcingSince').executeTakeFirst())?.value ?? null;
  }

  async save(changes: Changes): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await writeCustomers(tx, changes.customers ?? []);
      await writePdfs(tx, changes.pdfs ?? []);
      for (const chunk of chunks(changes.invoices ?? [], 1000)) {
        await tx
          .insertInto('invoices')
          .values(chunk.map(invoiceRow))
          .onConflict((oc) =>
            oc.column('number').doUpdateSet((eb) => ({
              customer_id: eb.ref('excluded.customer_id'),
              issued_at: eb.ref('excluded.issued_at'),
              due_at: eb.ref('excluded.due_at'),
              status: eb.ref('excluded.status'),
              doc: eb.ref('excluded.doc'),
            })),
          )
          .execute();
      }
      for (const record of changes.inbound ?? []) await writeInbound(tx, record);
      for (const delivery of changes.deliveries ?? []) await writeDelivery(tx, delivery);
      await announce(tx, changes.announced ?? []);
      if (changes.announcingSince)
        await tx
          .insertInto('settings')
          .values({ key: 'announcingSince', value: changes.announcingSince })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
      for (const attempt of changes.linkAttempts ?? []) await writeLinkAttempt(tx, attempt);
      for (const action of changes.staffActions ?? [])
        await tx
          .insertInto('staff_actions')
          .values(staffActionRow(action))
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      for (const held of changes.heldRequests ?? []) await writeHeld(tx, held);
      await writeChatMessages(tx, changes.chatMessages ?? []);
      for (const suppression of changes.suppressions ?? []) await writeSuppression(tx, suppression);
      // In the same transaction as what the requests changed: a request that failed has not used its signature.
      if (changes.receipts?.length) {
        await tx.deleteFrom('signed_receipts').where('expires_at', '<', new Date().toISOString()).execute();
        const rows = changes.receipts.map((receipt) => ({
          signature: receipt.signature,
          signed_at: receipt.signedAt,
          invoices: receipt.invoices,
          expires_at: receipt.expiresAt,
          doc: receipt,
        }));
        await tx
          .insertInto('signed_receipts')
          .values(rows)
          .onConflict((oc) => oc.column('signature').doNothing())
          .execute();
      }
    });
  }

  async updateCustomer(id: string, change: (customer: Customer) => Customer): Promise<Customer | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('customers').select('doc').where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row) return undefined;
      const next = change(row.doc);
      await writeCustomers(tx, [next]);
      return next;
    });
  }

  async updateInvoice<T>(number: string, change: (invoice: Invoice) => { invoice: Invoice; result: T }): Promise<T | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('invoices').select('doc').where('number', '=', number).forUpdate().executeTakeFirst();
      if (!row) return undefined;
      const { invoice, result } = change(row.doc);
      // A change never renumbers an invoice: the number is how everyone finds it.
      await tx
        .updateTable('invoices')
        .set(invoiceRow({ ...invoice, number }))
        .where('number', '=', number)
        .execute();
      return result;
    });
  }

  async updateLinkAttempt<T>(account: string, change: (attempt: LinkAttempt | undefined) => { attempt: LinkAttempt | null; result: T }): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      await lockKey(tx, `link:${account}`);
      const { attempt, result } = change((await tx.selectFrom('link_attempts').select('doc').where('account', '=', account).executeTakeFirst())?.doc);
      if (attempt) await writeLinkAttempt(tx, attempt);
      return result;
    });
  }

  async updateHeldRequest<T>(staff: string, change: (held: HeldRequest | undefined) => { held: HeldRequest | null; result: T }): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      await lockKey(tx, `held:${staff}`);
      const { held, result } = change((await tx.selectFrom('held_requests').select('doc').where('staff', '=', staff).executeTakeFirst())?.doc);
      if (held) await writeHeld(tx, held);
      return result;
    });
  }

  async updateSuppression<T>(address: string, change: (found: Suppression | undefined) => { suppression: Suppression | null; result: T }): Promise<T> {
    const key = address.toLowerCase();
    return this.db.transaction().execute(async (tx) => {
      await lockKey(tx, `suppression:${key}`);
      const found = (await tx.selectFrom('suppressions').select('doc').where('address', '=', key).executeTakeFirst())?.doc;
      const { suppression, result } = change(found);
      // The record found, handed back as it was, is not written again (a report repeated a thousand times).
      if (suppression && suppression !== found) await writeSuppression(tx, suppression);
      else if (!suppression && found) await tx.deleteFrom('suppressions').where('address', '=', key).execute();
      return result;
    });
  }

  async updateDelivery(id: string, change: (delivery: Delivery) => Delivery): Promise<Delivery | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('deliveries').select('doc').where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row) return undefined;
      const next = change(row.doc);
      await writeDelivery(tx, next);
      return next;
    });
  }

  async updateInbound<T>(
    key: string,
    copy: { messageId: string; sender: string } | null,
    change: (found: InboundMessage | undefined) => { record: InboundMessage | null; result: T },
  ): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      // By key: two processes claiming the same message at once take turns; the second sees the first's claim.
      await lockKey(tx, `inbound:${key}`);
      const { record, result } = change(await inboundOf(tx, key, copy));
      if (record) await writeInbound(tx, record);
      return result;
    });
  }

  async forget(before: { inbound: string; staffActions: string; linkAttempts: string; receipts: string }): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('inbound').where('received_at', '<', before.inbound).where('status', 'in', FINISHED).execute();
      await tx.deleteFrom('staff_actions').where('at', '<', before.staffActions).execute();
      await tx.deleteFrom('link_attempts').where('updated_at', '<', before.linkAttempts).execute();
      await tx.deleteFrom('chat_messages').where('sent_at', '<', before.linkAttempts).execute();
      await tx
        .deleteFrom('held_requests')
        .where((eb) => eb.or([eb(sql`doc->>'codeHash'`, 'is', null), eb(sql`doc->>'expiresAt'`, '<', before.linkAttempts)]))
        .execute();
      await tx.deleteFrom('signed_receipts').where('expires_at', '<', before.receipts).execute();
    });
  }

  /**
   * A session-level advisory lock, on a connection of its own held for the whole job: the
   * server lets go of it when the job ends, and when the process dies (its connection closes).
   * That connection lost (a server restart) took the lock with it: `lost` says so to the work.
   */
  async exclusive<T>(job: string, work: (lost: AbortSignal) => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }> {
    const client = await this.pool.connect();
    const lost = new AbortController();
    // Checked out, the client has no pool listener: an error with none would end the process.
    const onLost = (error?: Error) => lost.abort(error ?? new Error('the connection holding the lock ended'));
    client.on('error', onLost);
    client.on('end', onLost);
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [`job:${job}`]);
      if (!rows[0]?.locked) return { ran: false };
      try {
        return { ran: true, result: await work(lost.signal) };
      } finally {
        // A connection gone meanwhile took the lock with it: nothing to let go of.
        if (!lost.signal.aborted) await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [`job:${job}`]).catch(onLost);
      }
    } finally {
      client.off('error', onLost);
      client.off('end', onLost);
      client.release(lost.signal.aborted);
    }
  }

  /**
   * This process's turns queue in its memory first, so that one connection at most waits on
   * the advisory lock: waiters holding every connection of the pool would starve the holder.
   */
  serially<T>(job: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.turns.get(job) ?? Promise.resolve()).then(() => this.locked(job, work));
    this.turns.set(
      job,
      turn.catch(() => undefined),
    );
    return turn;
  }

  private async locked<T>(job: string, work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    const onError = () => (broken = true);
    client.on('error', onError);
    try {
      await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [`serial:${job}`]);
      try {
        return await work();
      } finally {
        await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [`serial:${job}`]).catch(onError);
      }
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /**
   * Marks the database as taking a copy of the data folder `source`, before the copy writes
   * anything: until `copyFinished`, it opens for nothing but the copy. A copy stopped halfway
   * holds the invoices without what says which were announced and reminded (or the other way
   * round), and a push or a reminder run on it would take them all for announced, or remind
   * again; so nothing runs on it until the copy is run again to its end.
   */
  async copyStarted(source: string, at: string): Promise<void> {
    const value = JSON.stringify({ source, at });
    await this.db
      .insertInto('settings')
      .values({ key: UNFINISHED_COPY, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  /** The copy is whole (every kind counted as many in the database as in the folder): the database may be used. */
  async copyFinished(): Promise<void> {
    await this.db.deleteFrom('settings').where('key', '=', UNFINISHED_COPY).execute();
  }

  private async refuseUnfinishedCopy(url: string): Promise<void> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', UNFINISHED_COPY).executeTakeFirst();
    if (!row) return;
    const { source, at } = JSON.parse(row.value) as { source: string; at: string };
    throw new StoreError(
      `the database ${databaseName(url)}`,
      `holds a copy of ${source} that did not finish (started ${at}): what it says was announced and reminded may be missing, so nothing runs on it`,
      `Finish it: FACTEUR_DATA_DIR=${source} facteur db copy --to <this database> (records already there are replaced, not doubled).`,
    );
  }

  /** How many records of each kind the database holds: the check that ends `facteur db copy`. */
  async counts(): Promise<Record<RecordKind, number>> {
    const count = async (table: keyof Tables) =>
      Number(
        (
          await this.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('count'))
            .executeTakeFirstOrThrow()
        ).count,
      );
    return {
      customers: await count('customers'),
      invoices: await count('invoices'),
      deliveries: await count('deliveries'),
      inbound: await count('inbound'),
      announced: await count('announced'),
      linkAttempts: await count('link_attempts'),
      staffActions: await count('staff_actions'),
      heldRequests: await count('held_requests'),
      chatMessages: await count('chat_messages'),
      issuedPdfs: await count('issued_pdfs'),
      suppressions: await count('suppressions'),
    };
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** A database as a person names it, `host:port/name`: never its password. */
function databaseName(url: string): string {
  if (!URL.canParse(url)) return 'of DATABASE_URL';
  const { host, pathname } = new URL(url);
  return `${host}${pathname}`;
}

/** Waits for, then holds until the transaction ends, a lock on `key`: the turn to change a record that may not exist yet. */
async function lockKey(tx: Transaction<Tables>, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
}

async function inboundOf(db: Db, key: string, copy: { messageId: string; sender: string } | null): Promise<InboundMessage | undefined> {
  const byKey = await db.selectFrom('inbound').select('doc').where('key', '=', key).executeTakeFirst();
  if (byKey || copy === null) return byKey?.doc;
  // The first record of this Message-ID from this sender.
  const first = await db
    .selectFrom('inbound')
    .select('doc')
    .where('message_id', '=', copy.messageId)
    .where('sender', '=', copy.sender.toLowerCase())
    .orderBy('received_at')
    .orderBy('key')
    .limit(1)
    .executeTakeFirst();
  return first?.doc;
}

/** Customers written a thousand to a statement, as invoices are: `facteur db copy` moves 200,000 of them. */
async function writeCustomers(tx: Transaction<Tables>, customers: Customer[]): Promise<void> {
  // The last of several records with one id wins, as one after the other would: one statement may not write a row twice.
  const latest = [...new Map(customers.map((customer) => [customer.id, customer])).values()];
  for (const chunk of chunks(latest, 1000)) {
    await tx
      .insertInto('customers')
      .values(chunk.map(customerRow))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          email: eb.ref('excluded.email'),
          address: eb.ref('excluded.address'),
          pending_address: eb.ref('excluded.pending_address'),
          asking_contacts: eb.ref('excluded.asking_contacts'),
          name: eb.ref('excluded.name'),
          doc: eb.ref('excluded.doc'),
        })),
      )
      .execute();
    await tx
      .deleteFrom('customer_links')
      .where('customer_id', '=', sql<string>`any(${chunk.map((c) => c.id)}::text[])`)
      .execute();
    // A chat account is one customer's: linked here, it is no longer anyone else's (the last here, if two claim it).
    const links = [...new Map(chunk.flatMap(linkRows).map((link) => [link.account, link])).values()];
    if (links.length > 0)
      await tx
        .insertInto('customer_links')
        .values(links)
        .onConflict((oc) => oc.column('account').doUpdateSet((eb) => ({ customer_id: eb.ref('excluded.customer_id') })))
        .execute();
  }
}

/** The bytes once per hash, then each (invoice, bytes) pair, received again if already there. */
async function writePdfs(tx: Transaction<Tables>, pdfs: IssuedPdfBytes[]): Promise<void> {
  for (const { pdf, bytes } of pdfs) {
    await tx
      .insertInto('pdf_bytes')
      .values({ sha256: pdf.sha256, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    await tx
      .insertInto('issued_pdfs')
      .values({ invoice: pdf.invoice, sha256: pdf.sha256, size: pdf.size, received_at: pdf.receivedAt })
      .onConflict((oc) => oc.columns(['invoice', 'sha256']).doUpdateSet({ received_at: pdf.receivedAt }))
      .execute();
  }
}

function issuedOf(row: Tables['issued_pdfs']): IssuedPdf {
  return { invoice: row.invoice, sha256: row.sha256, size: row.size, receivedAt: row.received_at };
}

async function writeDelivery(tx: Transaction<Tables>, delivery: Delivery): Promise<void> {
  const row = deliveryRow(delivery);
  await tx
    .insertInto('deliveries')
    .values(row)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        status: row.status,
        requested_by: row.requested_by,
        invoices: row.invoices,
        next_attempt_at: row.next_attempt_at,
        files: row.files,
        doc: row.doc,
      }),
    )
    .execute();
  // A push delivery is what announces its invoices, in the same transaction as its record.
  if (delivery.reason === 'push') await announce(tx, delivery.invoices);
}

async function announce(tx: Transaction<Tables>, numbers: string[]): Promise<void> {
  for (const chunk of chunks(numbers, 1000)) {
    await tx
      .insertInto('announced')
      .values(chunk.map((number) => ({ number })))
      .onConflict((oc) => oc.column('number').doNothing())
      .execute();
  }
}

async function writeInbound(tx: Transaction<Tables>, record: InboundMessage): Promise<void> {
  const row = inboundRow(record);
  await tx
    .insertInto('inbound')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ message_id: row.message_id, sender: row.sender, customer_id: row.customer_id, status: row.status, sent: row.sent, doc: row.doc }),
    )
    .execute();
}

async function writeLinkAttempt(tx: Transaction<Tables>, attempt: LinkAttempt): Promise<void> {
  const row = linkAttemptRow(attempt);
  await tx
    .insertInto('link_attempts')
    .values(row)
    .onConflict((oc) => oc.column('account').doUpdateSet({ updated_at: row.updated_at, doc: row.doc }))
    .execute();
}

async function writeSuppression(tx: Transaction<Tables>, suppression: Suppression): Promise<void> {
  const row = { address: suppression.address.toLowerCase(), customer_id: suppression.customerId, since: suppression.since, doc: suppression };
  await tx
    .insertInto('suppressions')
    .values(row)
    .onConflict((oc) => oc.column('address').doUpdateSet({ customer_id: row.customer_id, since: row.since, doc: row.doc }))
    .execute();
}

/** Adds the messages (an id already there is kept), then drops each customer's oldest past MAX_CHAT_MESSAGES. */
async function writeChatMessages(tx: Transaction<Tables>, messages: ChatMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await tx
    .insertInto('chat_messages')
    .values(messages.map((message) => ({ id: message.id, customer_id: message.customerId, sent_at: message.sentAt, doc: message })))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  for (const customerId of new Set(messages.map((message) => message.customerId))) {
    await sql`delete from chat_messages where customer_id = ${customerId} and id not in (select id from chat_messages where customer_id = ${customerId} order by sent_at desc, id desc limit ${MAX_CHAT_MESSAGES})`.execute(
      tx,
    );
  }
}

async function writeHeld(tx: Transaction<Tables>, held: HeldRequest): Promise<void> {
  await tx
    .insertInto('held_requests')
    .values({ staff: held.staff, doc: held })
    .onConflict((oc) => oc.column('staff').doUpdateSet({ doc: held }))
    .execute();
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
