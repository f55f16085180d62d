/**
 * An SMTP server in a process of its own, for benchmarks: it takes every message and
 * counts it by recipient and Message-ID, without parsing it, so that the benchmark times
 * Facteur rather than a parser sharing its CPU. Started by `startSmtpSink()`; prints its
 * port, then answers `{ type: 'counts' }` messages with what it has received.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { SMTPServer } from 'smtp-server';

export interface SinkCounts {
  messages: number;
  /** The largest message taken, in bytes, as it came over the wire (encoded). */
  largest: number;
  /** Recipient → Message-IDs received for them (a repeat shows as the same id twice). */
  byRecipient: Record<string, string[]>;
}

export interface SmtpSink {
  port: number;
  counts(): Promise<SinkCounts>;
  close(): void;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const child: ChildProcess = fork(import.meta.filename, ['--serve'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve((m as { port: number }).port)));
  return {
    port,
    counts: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as SinkCounts));
        child.send({ type: 'counts' });
      }),
    close: () => child.kill(),
  };
}

if (process.argv.includes('--serve')) {
  const byRecipient: Record<string, string[]> = {};
  let messages = 0;
  let largest = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    size: 50 * 1024 * 1024,
    onData(stream, session, callback) {
      let head = '';
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? '';
        messages++;
        largest = Math.max(largest, bytes);
        for (const { address } of session.envelope.rcptTo) (byRecipient[address] ??= []).push(id);
        callback(null);
      });
    },
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.server.address() as { port: number }).port }));
  process.on('message', () => process.send!({ messages, largest, byRecipient }));
}
