/** Operator-facing help for each command (the operator's language is English; customers never read it). */
export const USAGE = {
  main: `Usage: facteur <command> [options]

Commands:
  start                      run Facteur: every configured channel (the console chat when nothing is configured)
  ask --as EMAIL "TEXT"      send one message through the assistant as that customer and print the reply
  explain "TEXT"             how the assistant reads a sentence: its words, its period, the command understood
  import FILE [--pdfs DIR]   import invoices from the billing system (.json or .csv), with its PDFs
  verify FILE.pdf            whether a copy of an invoice is genuine (a PDF Facteur holds or sent), or what differs
  push                       announce new invoices now (what the schedule does), with a progress bar
  reminders [--dry-run] [NUMBER…]  send the payment reminders due now, or of these invoices (--dry-run: only list them)
  resend NUMBER              send an invoice again to its customer, with its PDF
  deliveries                 the delivery log: every message sent about invoices
  suppressions [--lift ADDRESS]   the addresses mail is held back from because it bounces; lift one
  retry ID… | --all-failed   try failed deliveries again
  inbox failed               the messages of the billing inbox's Failed folder, and why each is there
  inbox retry ID… | --all-failed   hand failed messages back to the mailbox, to be handled again
  discord register           register the Discord slash commands (for DISCORD_GUILD_ID, or globally)
  dkim record                the DNS TXT record of the DKIM key mail is signed with (DKIM_*)
  db migrate                 bring DATABASE_URL's schema up to date (every start does it too)
  db copy --to URL           copy the data folder's records into PostgreSQL

Run "facteur <command> --help" for a command's options. Settings come from the environment
and from a .env file: see .env.example.`,
  start: `Usage: facteur start

Runs every configured channel. The billing inbox always: the IMAP mailbox when IMAP_HOST is
set, otherwise .eml files dropped in data/mail/inbox/; replies leave by SMTP when SMTP_HOST is
set, otherwise they are written to data/mail/outbox/. The console chat runs when standard
input is a terminal, or when no mailbox or Discord is configured (then piped input drives it).
With nothing configured: the console as the demo customer (FACTEUR_CONSOLE_AS), demo data when
the store is empty. Stops on :quit or end of the console's input, and on SIGINT or SIGTERM
once the message under way is handled.`,
  ask: `Usage: facteur ask --as EMAIL [--out DIR] "TEXT"

Sends TEXT to the assistant as the customer whose login or notification address is EMAIL,
prints the reply and writes its attachments to DIR (default: <data>/out).
Exit code: 0 when answered, 1 when refused or not understood, 2 on a usage error.`,
  explain: `Usage: facteur explain [--today YYYY-MM-DD] "TEXT"

Prints how the assistant reads TEXT, as a customer's message: each word and what it was taken
for (a typo shows the word it was read as), the period understood, the language, and the
command. Needs no store: paste a customer's sentence from a complaint to see what went wrong.
--today reads it as on that day (periods such as "le mois dernier" count from it; default:
today in PUSH_TIMEZONE). Exit code 1 when the sentence is not understood.`,
  import: `Usage: facteur import FILE [--pdfs DIR]

Imports invoices from a .json file (an array of invoices) or a .csv file (columns
number,customer,issuedAt,dueAt,currency,label,quantity,unitPrice,status; one row per line).
Idempotent by invoice number. Prints how many invoices were created, updated, unchanged and
rejected, with the reason for each rejection. Exit code 1 when the file cannot be read.
The billing system's own PDF of an invoice comes as its "pdf" (base64, in JSON), or with
--pdfs DIR as DIR/<number>.pdf (a / of the number written _): it is then what every channel
sends for that invoice. An invoice whose PDF is no PDF (no %PDF-, unreadable, over
FACTEUR_PDF_MAX_MB, or not naming that invoice) is rejected whole, saying why.`,
  verify: `Usage: facteur verify FILE.pdf

Says whether FILE.pdf is genuine: its bytes are a PDF the billing system sent for one of our
invoices (the one sent now or an older one), a file a message carried (the delivery log keeps
each file's SHA-256), or the rendering Facteur sends now; and names the invoice and its customer.
Otherwise, when its text names one of our invoices, says what differs from ours that matters:
amounts and totals, bank details (IBAN, RIB, account numbers), mobile-money numbers, due date,
customer. Reads the store only: it runs while "facteur start" does.
Exit code: 0 when genuine, 1 when not (or unreadable, over FACTEUR_PDF_MAX_MB), 2 on a usage error.`,
  reminders: `Usage: facteur reminders [--dry-run] [NUMBER…]

Sends the payment reminders due today now, with the push's run (which the schedule does each day
from REMINDERS_AT): one message per customer, each invoice at the latest of REMINDER_DAYS that has
come since Facteur met the store and was not yet reminded. With invoice numbers, reminds those
unpaid invoices instead, whenever they fell due: how staff remind debts older than Facteur (the
schedule never does). --dry-run lists them (invoices with their days from the due date,
recipients) and sends nothing. Exit code 1 when a number cannot be reminded (unknown, paid,
cancelled) or a reminder was not sent.`,
  push: `Usage: facteur push

Finds the invoices not yet announced and sends each customer one message for all of theirs:
a mail to the notification address (PDFs attached when the customer's toggle is on) and a
direct message to linked Discord accounts that opted in. Also retries failed sends that are
due. It is what the schedule (PUSH_CRON) runs. Exit code 1 when some message could not be sent.`,
  resend: `Usage: facteur resend NUMBER [--to EMAIL] [--channel email|discord|both] [--force]

Sends invoice NUMBER with its PDF to its customer: by default by mail to the notification
address. --to must be an address on the customer's record (login or notification address)
unless --force is given; a forced resend is logged. Every resend is in the delivery log.`,
  deliveries: `Usage: facteur deliveries [--customer EMAIL] [--failed | --bounced] [--since YYYY-MM-DD]

Prints the delivery log: what was sent about which invoices, to whom, why, its status,
attempts and last error (for a bounce, what the recipient's server said). --failed lists what
never reached its reader: refused when sent, or bounced afterwards; --bounced the bounced alone.`,
  suppressions: `Usage: facteur suppressions [--lift ADDRESS]

Lists the addresses mail is held back from: their mail bounced for good (or several times in a
row, MAIL_SOFT_BOUNCES), or its reader reported it as spam; whose they are, since when, and what
the receiving server said. --lift ADDRESS lets mail go to it again, once it works; while
facteur start runs, the lift is sent to it (as an import is). Exit code 1 when the address is
not suppressed.`,
  retry: `Usage: facteur retry ID… | facteur retry --all-failed

Gives failed deliveries a fresh set of attempts and tries them now. IDs are those printed by
"facteur deliveries" (the full id, or as printed).`,
  inbox: `Usage: facteur inbox failed | facteur inbox retry ID… | facteur inbox retry --all-failed

"inbox failed" lists the messages in the Failed folder (MAIL_FAILED_FOLDER) with the reason each
was put there. "inbox retry" moves them back to the watched mailbox, unread: the running
Facteur (or the next start) handles them again. IDs are those "inbox failed" prints (UIDs in
the IMAP folder, file names in local mode). Neither writes the data folder: both work while
"facteur start" runs.`,
  db: `Usage: facteur db migrate | facteur db copy --to postgres://user:password@host:port/database

"db migrate" applies the schema migrations DATABASE_URL's database lacks, as every start does,
and says which it applied. "db copy" reads the data folder (FACTEUR_DATA_DIR) and writes every
record into the database given: customers, invoices, the delivery log, the inbound records,
chat links and staff records, with a progress bar, then counts each kind on both sides. It
replaces records already there rather than double them: run it again to complete a copy that
stopped. Stop Facteur first so that the copy is whole. Exit code 1 when the counts fall short.`,
  discord: `Usage: facteur discord register

Registers Facteur's slash commands with Discord for the application DISCORD_APP_ID, replacing
its previous set: for the server DISCORD_GUILD_ID when it is set (they appear at once), or
else globally (all servers and direct messages; Discord may take a while to show them).
Command names and descriptions come from templates/messages (English, with French
localizations): run it again after editing them. Exit code 1 when Discord is not configured.`,
  dkim: `Usage: facteur dkim record

Prints the DNS TXT record to publish for the key mail is signed with (DKIM_DOMAIN,
DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE or DKIM_PRIVATE_KEY): the zone file line, then its name
and value. The key is checked as start-up checks it. Exit code 1 when DKIM is not configured
or the key cannot be used (the message names the file and why).`,
} as const;
