/**
 * mailauth's reader of DKIM, ARC and Authentication-Results headers (RFC 8601), which it
 * ships untyped: the shape below is the part Facteur reads.
 */
declare module 'mailauth/lib/parse-dkim-headers.js' {
  interface ResultEntry {
    value?: string;
    comment?: string;
    header?: Record<string, string | undefined>;
    smtp?: Record<string, string | undefined>;
  }
  /** `value` is the authserv-id (and its version, if any); each method's result is under its name. */
  type Parsed = { value?: string } & Record<string, ResultEntry | ResultEntry[] | string | undefined>;
  export default function parseHeader(line: string): { parsed: Parsed; original: string };
}
