/** Just enough SVG to draw a chart by hand: escaped text, elements from attribute maps. */

export type SvgAttributes = Record<string, string | number>;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** `<name a="1" .../>`, or with `content` (already SVG) inside. */
export function element(name: string, attributes: SvgAttributes, content?: string): string {
  const attrs = Object.entries(attributes)
    .map(
      ([key, value]) => ` ${key}="${escapeXml(typeof value === 'number' ? round(value) : value)}"`,
    )
    .join('');
  return content === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

export function text(
  x: number,
  y: number,
  content: string,
  attributes: SvgAttributes = {},
): string {
  return element('text', { x, y, ...attributes }, escapeXml(content));
}

/** A whole document of `width` × `height` around `body`. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return `${[
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" role="img">`,
    element('title', {}, escapeXml(title)),
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    ...body,
    '</svg>',
  ].join('\n')}\n`;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}
