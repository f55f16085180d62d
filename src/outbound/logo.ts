/** How many pixels the PNG has for each pixel the mail shows it at: sharp on phones and high-density screens. */
const DENSITY = 3;

/**
 * The provider's logo as mail clients show it. Gmail and Outlook block SVG images, so an
 * SVG logo (the invoice's) is drawn into a PNG by resvg, a maintained Rust renderer, at
 * `displayWidth` × the screen density; a PNG or JPEG logo goes as it is. It runs in the mail
 * layout's process (layout-process.ts), and resvg is loaded only there, with the first mail.
 */
export async function mailLogo(dataUrl: string, displayWidth: number): Promise<{ contentType: string; content: Buffer }> {
  const match = /^data:(image\/[\w+.-]+);base64,(.*)$/s.exec(dataUrl);
  if (!match) throw new Error('the logo is not a data URL');
  const [, contentType, data] = match as unknown as [string, string, string];
  const bytes = Buffer.from(data, 'base64');
  if (contentType !== 'image/svg+xml') return { contentType, content: bytes };
  const { Resvg } = await import('@resvg/resvg-js');
  const png = new Resvg(bytes, { fitTo: { mode: 'width', value: displayWidth * DENSITY } }).render().asPng();
  return { contentType: 'image/png', content: png };
}
