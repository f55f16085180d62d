import type { Locale } from '../billing/types.js';
import type { Brand } from '../documents/template.js';

/** One language's words of a page, already worded from the templates. */
export interface PageText {
  locale: Locale;
  title: string;
  paragraphs: string[];
}

/** A download button: its label and where it leads (relative to the page). */
export interface PageButton {
  label: string;
  href: string;
}

/**
 * A small page in the provider's colours, self-contained (inline CSS, the logo as a data
 * URL, nothing fetched) so that it shows the same behind any proxy and asks nothing of
 * anyone else's server. `texts` holds one language, or several one after the other (a
 * refusal to a browser that asked for neither of ours). Every interpolated string is
 * escaped; the colours are `#rrggbb` by the template's schema.
 */
export function brandedPage(brand: Brand, texts: PageText[], button: (PageButton & { summary: string; note: string }) | null = null): string {
  const [main] = texts;
  if (!main) throw new Error('brandedPage: no text');
  const { primary, text, muted, background } = brand.colours;
  const sections = texts.map(
    (part, index) => `<section lang="${part.locale}">
<h1>${escape(part.title)}</h1>
${index === 0 && button ? `<p class="summary">${escape(button.summary)}</p>\n<p><a class="button" href="${escape(button.href)}" download>${escape(button.label)}</a></p>\n<p class="muted">${escape(button.note)}</p>\n` : ''}${part.paragraphs.map((paragraph) => `<p>${escape(paragraph)}</p>`).join('\n')}
</section>`,
  );
  return `<!DOCTYPE html>
<html lang="${main.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escape(`${main.title} · ${brand.name}`)}</title>
<style>
*{box-sizing:border-box}
body{margin:0;background:${background};color:${text};font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
header{background:${primary};color:#fff;padding:16px 24px;display:flex;align-items:center;gap:12px}
header img{width:40px;height:40px}
header span{font-weight:600;font-size:18px}
main{max-width:560px;margin:32px auto;padding:0 16px}
section{background:#fff;border-radius:12px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.12);margin-bottom:16px}
h1{margin:0 0 8px;font-size:24px;line-height:1.25;color:${primary}}
.summary{font-size:18px;margin:0 0 20px}
.button{display:inline-block;background:${primary};color:#fff;text-decoration:none;font-weight:600;font-size:18px;padding:14px 28px;border-radius:8px}
.button:hover,.button:focus{filter:brightness(1.15)}
.muted{color:${muted};font-size:14px}
@media (max-width:480px){main{margin:16px auto}.button{display:block;text-align:center}}
</style>
</head>
<body>
<header>${brand.logo ? `<img src="${escape(brand.logo)}" alt="">` : ''}<span>${escape(brand.name)}</span></header>
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
