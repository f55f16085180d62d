import type { Message } from 'discord.js';
// Only the files the assistant checks are fetched; it counts the others.
import { MAX_CHECKED, type AttachedFile } from '../../assistant/actions/verify.js';

/** Where Discord keeps the files of messages: a DM's attachment is fetched from these hosts only. */
const DISCORD_CDN = ['cdn.discordapp.com', 'media.discordapp.net'];
/** How long fetching one file may take. */
const FETCH_MS = 20_000;

/**
 * The PDFs a DM carries, for a customer asking whether one is genuine: fetched from Discord's
 * file hosts (or the API's own, a local Discord in tests), never from an address a message
 * could name elsewhere, and never past `maxBytes` — Discord says the size first, and reading
 * stops there anyway. One too large, or that cannot be fetched, comes with no bytes.
 */
export async function attachedPdfs(message: Message, maxBytes: number, apiUrl: string): Promise<AttachedFile[]> {
  const hosts = new Set([...DISCORD_CDN, new URL(apiUrl).host]);
  const pdfs = [...message.attachments.values()].filter((file) => file.contentType === 'application/pdf' || /\.pdf$/i.test(file.name));
  return Promise.all(
    pdfs.map(async (file, index) => {
      const url = URL.canParse(file.url) ? new URL(file.url) : null;
      const fetchable =
        index < MAX_CHECKED && url !== null && hosts.has(url.host) && (url.protocol === 'https:' || url.host === new URL(apiUrl).host) && file.size <= maxBytes;
      return { name: file.name, size: file.size, bytes: fetchable ? await fetchAtMost(url!, maxBytes) : null };
    }),
  );
}

/** The file's bytes, or null when it cannot be had whole within `maxBytes` and the time limit. */
async function fetchAtMost(url: URL, maxBytes: number): Promise<Uint8Array | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_MS), redirect: 'error' });
    if (!response.ok || !response.body) return null;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > maxBytes) return null;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } catch {
    return null;
  }
}
