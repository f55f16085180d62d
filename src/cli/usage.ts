/** Operator-facing help for each command (the operator's language is English; customers never read it). */
export const USAGE = {
  main: `Usage: facteur <command> [options]

Commands:
  start                      run Facteur: every configured channel (the console chat when nothing is configured)
  ask --as EMAIL "TEXT"      send one message through the assistant as that customer and print the reply
  import FILE                import invoices from the billing system (.json or .csv)

Run "facteur <command> --help" for a command's options. Settings come from the environment
and from a .env file: see .env.example.`,
  start: `Usage: facteur start

Runs every configured channel. With nothing configured: a console chat on this terminal as
the demo customer (FACTEUR_CONSOLE_AS), demo data when the store is empty, mail written to
data/mail/outbox/.`,
  ask: `Usage: facteur ask --as EMAIL [--out DIR] "TEXT"

Sends TEXT to the assistant as the customer whose login or notification address is EMAIL,
prints the reply and writes its attachments to DIR (default: <data>/out).
Exit code: 0 when answered, 1 when refused or not understood, 2 on a usage error.`,
  import: `Usage: facteur import FILE

Imports invoices from a .json file (an array of invoices) or a .csv file (columns
number,customer,issuedAt,dueAt,currency,label,quantity,unitPrice,status; one row per line).
Idempotent by invoice number. Prints how many invoices were created, updated, unchanged and
rejected, with the reason for each rejection. Exit code 1 when the file cannot be read.`,
} as const;
