import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The schema, as numbered migrations applied in order at start-up and by `facteur db
 * migrate` (Kysely's Migrator keeps what ran in `kysely_migration` and takes a lock, so
 * instances starting together apply each once). Never edit one that has shipped: add the
 * next.
 *
 * Each record is kept whole as `doc` (JSONB), as the lowdb files keep it, with the fields
 * Facteur looks records up by as columns beside it, indexed. The columns are written from the
 * record on every write, so they never say something the record does not.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_records': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('customers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('pending_address', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('doc', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('customers_email').unique().on('customers').column('email').execute();
      await db.schema.createIndex('customers_address').on('customers').column('address').execute();
      await db.schema.createIndex('customers_pending_address').on('customers').column('pending_address').execute();
      await db.schema.createIndex('customers_name').on('customers').columns(['name', 'id']).execute();

      await db.schema
        .createTable('customer_links')
        .addColumn('account', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
        .execute();
      await db.schema.createIndex('customer_links_customer').on('customer_links').column('customer_id').execute();

      await db.schema
        .createTable('invoices')
        .addColumn('number', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('doc', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('invoices_customer').on('invoices').columns(['customer_id', 'issued_at']).execute();
      await db.schema.createIndex('invoices_issued').on('invoices').column('issued_at').execute();

      // An invoice is announced once a push delivery carries it, or when the push marks it so (see Store.save).
      await db.schema
        .createTable('announced')
        .addColumn('number', 'text', (c) => c.primaryKey())
        .execute();
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text')
        .addColumn('invoices', sql`text[]`, (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text')
        .addColumn('doc', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('deliveries_customer').on('deliveries').columns(['customer_id', 'created_at']).execute();
      await db.schema.createIndex('deliveries_status').on('deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('deliveries_created').on('deliveries').column('created_at').execute();
      await db.schema.createIndex('deliveries_invoices').on('deliveries').using('gin').column('invoices').execute();

      await db.schema
        .createTable('inbound')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('message_id', 'text')
        .addColumn('sender', 'text')
        .addColumn('customer_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sent', 'integer', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('doc', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('inbound_copy').on('inbound').columns(['message_id', 'sender', 'received_at']).execute();
      await db.schema.createIndex('inbound_sender').on('inbound').columns(['sender', 'received_at']).execute();
      await db.schema.createIndex('inbound_received').on('inbound').column('received_at').execute();

      await db.schema
        .createTable('link_attempts')
        .addColumn('account', 'text', (c) => c.primaryKey())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('doc', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('staff_actions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('doc', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('staff_actions_at').on('staff_actions').column('at').execute();
      await db.schema
        .createTable('held_requests')
        .addColumn('staff', 'text', (c) => c.primaryKey())
        .addColumn('doc', 'jsonb', (c) => c.notNull())
        .execute();
    },
  },
  // Reminders look through every customer's unpaid invoices by due date.
  '0002_unpaid_by_due_date': {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('invoices_unpaid_due').on('invoices').column('due_at').where(sql.ref('status'), '=', 'unpaid').execute();
    },
  },
  // Mail from an invoice contact the customer allowed to ask finds the customer by that
  // address: a column of those addresses (rows.ts), searched with @> through a GIN index.
  // Rows written before have no contacts, so the column's null says the truth about them.
  '0003_asking_contacts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('customers')
        .addColumn('asking_contacts', sql`text[]`)
        .execute();
      await db.schema.createIndex('customers_asking_contacts').on('customers').using('gin').column('asking_contacts').execute();
    },
  },
  // Signed requests answered, shared by every instance: a signature is taken once, and an
  // older event for an invoice is told from a newer one by the invoices each carried.
  '0004_signed_receipts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('signed_receipts')
        .addColumn('signature', 'text', (c) => c.primaryKey())
        .addColumn('signed_at', 'text', (c) => c.notNull())
        .addColumn('invoices', sql`text[]`, (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('doc', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('signed_receipts_invoices').on('signed_receipts').using('gin').column('invoices').execute();
      await db.schema.createIndex('signed_receipts_expires').on('signed_receipts').column('expires_at').execute();
    },
  },
  // The billing system's PDFs, which every instance sends byte for byte: the bytes once per
  // SHA-256, and which invoice each was received for, when. Deliveries name the files they
  // carried by hash (rows.ts), which a copy to check is looked up by, through a GIN index.
  '0005_issued_pdfs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pdf_bytes')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('bytes', 'bytea', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('issued_pdfs')
        .addColumn('invoice', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull().references('pdf_bytes.sha256'))
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('issued_pdfs_pair', ['invoice', 'sha256'])
        .execute();
      await db.schema.createIndex('issued_pdfs_sha256').on('issued_pdfs').column('sha256').execute();
      await db.schema
        .alterTable('deliveries')
        .addColumn('files', sql`text[]`)
        .execute();
      await db.schema.createIndex('deliveries_files').on('deliveries').using('gin').column('files').execute();
    },
  },
  // Addresses mail is held back from (their mail bounced), and the delivery a report's returned
  // Message-ID names when it carries no token.
  '0006_suppressions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('suppressions')
        .addColumn('address', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text')
        .addColumn('since', 'text', (c) => c.notNull())
        .addColumn('doc', 'jsonb', (c) => c.notNull())
        .execute();
      await sql`create index deliveries_message_id on deliveries ((doc->>'messageId'))`.execute(db);
    },
  },
  // What the bot's recent chat messages carried, which a reply to one of them is about.
  '0007_chat_messages': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('chat_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text', (c) => c.notNull())
        .addColumn('doc', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('chat_messages_customer').on('chat_messages').columns(['customer_id', 'sent_at']).execute();
      await db.schema.createIndex('chat_messages_sent').on('chat_messages').column('sent_at').execute();
    },
  },
};
