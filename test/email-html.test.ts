import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMail } from '../src/channels/email/read.js';
import { mailRequest } from './support/mail-request.js';
import { whatIsSeen } from '../src/channels/email/seen.js';
import type { Zone } from '../src/assistant/reading/zones.js';
import { readZones } from '../src/channels/email/zones.js';
import { CHROMIUM } from './peers/programs.js';

/**
 * Only what a person sees is a request: the corpus of test/fixtures/html-mails/ (hostile
 * mails hiding words by style, markup and characters, and mails that hide nothing, shaped as
 * their clients write them) read as the inbox reads them, and checked against what headless
 * Chromium shows of the same HTML.
 */
const TODAY = '2026-11-25';
const fixtures = path.resolve(import.meta.dirname, 'fixtures');

interface Entry {
  file: string;
  about: string;
  intent: string | null;
  sees: string[];
  never: string[];
  hidden: string[];
  zones?: Zone['kind'][];
}

const { mails } = JSON.parse(await readFile(path.join(fixtures, 'html-mails', 'index.json'), 'utf8')) as { mails: Entry[] };
/** HTML hiding « zip 2019 » by layout, painting, escapes, markup or a data stylesheet, which Chromium must hide too. */
const { tricks } = JSON.parse(await readFile(path.join(fixtures, 'html-mails', 'tricks.json'), 'utf8')) as { tricks: { about: string; html: string }[] };
const raw = (file: string) => readFile(path.join(fixtures, 'html-mails', file));
/** The HTML-only mails of issue 23's corpus, written blind: real clients' markup, hiding nothing the customer wrote. */
const blind = (JSON.parse(await readFile(path.join(fixtures, 'understanding', 'mails.json'), 'utf8')) as { id: string; html?: string }[]).filter(
  (mail) => mail.html,
);

/** The lines of the zones of these kinds. */
function textIn(zones: Zone[], keep: (kind: Zone['kind']) => boolean): string {
  return zones.flatMap((zone) => (keep(zone.kind) ? zone.lines : [])).join('\n');
}

describe('what a reader sees of a mail', () => {
  it.each(mails)('$file: $about', async (entry) => {
    const zones = readZones(await readMail(await raw(entry.file)));
    const request = mailRequest(zones, TODAY);
    expect(request.intent).toBe(entry.intent);
    for (const words of entry.sees) expect(textIn(zones, (kind) => kind === 'own')).toContain(words);
    const read = textIn(zones, (kind) => kind !== 'hidden');
    for (const words of entry.never) {
      expect(read).not.toContain(words);
      expect(request.text).not.toContain(words);
    }
    for (const words of entry.hidden) expect(textIn(zones, (kind) => kind === 'hidden')).toContain(words);
    for (const kind of entry.zones ?? []) expect(zones.map((zone) => zone.kind)).toContain(kind);
  });

  it('finds nothing hidden in mails that hide nothing the customer wrote (issue 23’s HTML mails, written blind)', () => {
    for (const mail of blind) {
      const seen = whatIsSeen(mail.html!);
      expect(seen.visible.length, mail.id).toBeGreaterThan(0);
      // What some of them hide is their client's: a title, a preview line.
      expect(seen.hidden.length, mail.id).toBeLessThan(80);
    }
  });
});

describe('what a browser shows', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** The words of a text, in lower case: what is compared, whatever the line breaks and spacing. */
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

  /** Whether every word Facteur reads as seen is on the page Chromium shows, scripts off as in a mail client. */
  async function shownByChromium(html: string, read: string): Promise<string[]> {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true, viewport: { width: 375, height: 800 } });
    try {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      const shown = new Set(words(await page.locator('body').innerText()));
      return words(read).filter((word) => !shown.has(word));
    } finally {
      await context.close();
    }
  }

  it.each(mails.filter((entry) => entry.file !== 'invisible-characters.eml'))('$file: every word read as seen is on the page', async (entry) => {
    const parsed = await simpleParser(await raw(entry.file));
    expect(typeof parsed.html).toBe('string');
    expect(await shownByChromium(parsed.html as string, whatIsSeen(parsed.html as string).visible)).toEqual([]);
  });

  /**
   * Whether Chromium draws `words` at all: the page looks the same, to the pixel, with the same
   * letters reversed in their place, every font monospaced in both so that nothing moves.
   */
  async function drawnByChromium(html: string, words: string): Promise<boolean> {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true, viewport: { width: 375, height: 800 } });
    try {
      const page = await context.newPage();
      const shot = async (markup: string) => {
        await page.setContent(`<style>* { font-family: monospace !important }</style>${markup}`, { waitUntil: 'load' });
        return (await page.screenshot({ fullPage: true })).toString('base64');
      };
      return (await shot(html)) !== (await shot(html.replaceAll(words, [...words].reverse().join(''))));
    } finally {
      await context.close();
    }
  }

  it.each(tricks)('does not read what a reader cannot see: $about', async ({ html }) => {
    expect(await drawnByChromium(html, 'zip 2019')).toBe(false);
    const seen = whatIsSeen(html);
    expect(seen.visible).not.toContain('zip 2019');
    expect(seen.hidden).toContain('zip 2019');
  });

  it('reads no word Chromium does not show in issue 23’s HTML mails', async () => {
    for (const mail of blind) expect(await shownByChromium(mail.html!, whatIsSeen(mail.html!).visible), mail.id).toEqual([]);
  });
});

describe('the cost of reading hostile HTML', () => {
  it('reads a page nested a hundred thousand deep without a stack to overflow, and nothing below the depth a person writes at', () => {
    const deep = `<p>Bonjour</p>${'<div>'.repeat(100_000)}zip 2019${'</div>'.repeat(100_000)}`;
    const seen = whatIsSeen(deep);
    expect(seen.visible.trim()).toBe('Bonjour');
    expect(seen.hidden).toContain('zip 2019');
  });

  it('reads a megabyte of elements, and a stylesheet too large to match at a bounded cost as nothing seen', () => {
    const flat = `<p>Bonjour</p>${'<span>a</span>'.repeat(70_000)}`;
    expect(whatIsSeen(flat).visible.startsWith('Bonjour')).toBe(true);
    const rules = Array.from({ length: 5000 }, (_, i) => `.c${i} { color: #${(i % 4096).toString(16).padStart(3, '0')} }`).join('\n');
    const heavy = whatIsSeen(`<style>${rules}</style><p>zip 2019</p>${'<b>x</b>'.repeat(5000)}`);
    expect(heavy.visible).toBe('');
    expect(heavy.hidden).toContain('zip 2019');
  });

  it('reads an unclosed comment as browsers do: everything after it is a comment', () => {
    expect(whatIsSeen('<p>Bonjour</p><!-- <p>zip 2019</p>').visible.trim()).toBe('Bonjour');
  });
});

describe('a stylesheet’s rules', () => {
  /** Whether « zip 2019 » in this markup, under these rules, is read as seen. */
  const seenUnder = (css: string, markup: string) => whatIsSeen(`<style>${css}</style><p>Bonjour</p>${markup}`).visible.includes('zip 2019');

  it.each([
    ['.x::before { font-size: 0 }', '<p class="x">zip 2019</p>'],
    ['a:hover span { display: none }', '<a><span>zip 2019</span></a>'],
    [':not(.y) > p { color: #fff }', '<div><p>zip 2019</p></div>'],
    ['table.wrap td.spacer p:first-child { visibility: hidden }', '<table class="wrap"><tr><td><p>zip 2019</p></td></tr></table>'],
    ['.a + .b { opacity: 0 }', '<p class="a">x</p><p class="b">zip 2019</p>'],
    ['@media (max-width: 480px) { .m { display: none } }', '<p class="m">zip 2019</p>'],
    ['p[data-x=":y"]:is(.q, .r) { font: 0/0 a }', '<p data-x=":y" class="q">zip 2019</p>'],
    ['.x { display: none } }}} garbage {', '<p class="x">zip 2019</p>'],
  ])('%s hides at least what a browser hides', (css, markup) => {
    expect(seenUnder(css, markup)).toBe(false);
  });

  it('hides nothing a rule does not reach', () => {
    expect(seenUnder('.footer p { font-size: 0 } .x::after { display: none }', '<p>zip 2019</p>')).toBe(true);
  });

  it('matches selectors a browser backtracks on (p div div div div x) on a deep page in one walk', () => {
    const css = Array.from({ length: 50 }, (_, i) => `p${' div'.repeat(i % 6)} x${i} { display: none }`).join('\n');
    const page = `${'<div>'.repeat(150)}${'<x1>zip 2019</x1>'.repeat(200)}${'</div>'.repeat(150)}`;
    expect(seenUnder(css, page)).toBe(true);
  });
});
