/**
 * A received mail as a mail client shows it: its HTML part in headless Chromium (Debian's,
 * which `npm test` installs), with each `cid:` image taken from the mail's own parts, as a
 * client does, and nothing fetched from anywhere.
 */
import type { ParsedMail } from 'mailparser';
import type { Browser, Page } from 'playwright-core';

/** The HTML part with every `cid:` image replaced by the bytes of the part it names. */
export function htmlWithImages(mail: ParsedMail): string {
  if (typeof mail.html !== 'string') throw new Error('the mail has no HTML part');
  let html = mail.html;
  for (const part of mail.attachments) {
    if (part.cid) html = html.replaceAll(`cid:${part.cid}`, `data:${part.contentType};base64,${part.content.toString('base64')}`);
  }
  return html;
}

/** A tab `width` pixels wide showing the mail, scripts off as in every mail client, images loaded. */
export async function showMail(browser: Browser, mail: ParsedMail, width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false, offline: true });
  const page = await context.newPage();
  await page.setContent(htmlWithImages(mail), { waitUntil: 'load' });
  return page;
}
