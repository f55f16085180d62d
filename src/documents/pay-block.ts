import encodeQR from 'qr';
import type { CanvasRect, Content } from 'pdfmake/interfaces.js';
import type { Params } from '../templates/catalog.js';

/**
 * A QR code's side on the page, in points: a module is drawn at least MODULE_PT wide, so that a
 * phone reads a printed invoice, within SIDE_MIN and SIDE_MAX (a 2,000-character link makes 177
 * modules, the largest code there is).
 */
const SIDE_MIN = 100;
const SIDE_MAX = 200;
const MODULE_PT = 1.15;

/**
 * Where an unpaid invoice may be paid, on the invoice itself: a QR code of the billing system's
 * pay link, and beside it a title, a sentence and the link written out (clickable in a PDF
 * reader, and what the code says, for whoever cannot scan it). The words are `pay.*` of
 * `templates/invoice/messages/`, the styles `payTitle`, `payText`, `payLink` of its layout.
 *
 * The code is made by `qr` (paulmillr/qr: maintained, no dependencies) and drawn as vector
 * rectangles of exactly the module's size, with the standard's quiet zone of 4 modules.
 * pdfmake's own `qr` node (a 2011 encoder bundled with it) was compared and left: it rounds a
 * module down to a whole point and draws no quiet zone, so that, drawn by pdftoppm at 200 dpi
 * and decoded by jsQR, a 300-character link at 120 pt and a 2,000-character one at 170 pt did
 * not read back, where `qr`'s codes of the same size did (test/pay-link-pdf.test.ts reads ours
 * back from the rendered page).
 */
export function payBlock(url: string, t: (key: string, params?: Params) => string): Content {
  const modules = encodeQR(url, 'raw', { ecc: 'medium', border: 4 });
  const side = Math.min(SIDE_MAX, Math.max(SIDE_MIN, modules.length * MODULE_PT));
  return {
    unbreakable: true,
    margin: [0, 24, 0, 0],
    columns: [
      { width: side, canvas: darkRuns(modules, side / modules.length) },
      {
        width: '*',
        margin: [16, 4, 0, 0],
        stack: [
          { text: t('pay.title'), style: 'payTitle' },
          { text: t('pay.scan'), style: 'payText' },
          { text: url, link: url, style: 'payLink' },
        ],
      },
    ],
  };
}

/** The code's dark modules as rectangles, one per run of dark modules in a row: a fraction of the shapes one per module would take. */
function darkRuns(modules: boolean[][], size: number): CanvasRect[] {
  const rects: CanvasRect[] = [];
  modules.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      const start = x;
      while (row[x + 1]) x++;
      rects.push({ type: 'rect', x: start * size, y: y * size, w: (x - start + 1) * size, h: size, color: '#000000', lineWidth: 0 });
    }
  });
  return rects;
}
