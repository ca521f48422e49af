// WCAG 2.x contrast ratio between two CSS colours given as computed `rgb(...)` / `rgba(...)` strings.
export function parseRgb(css: string): [number, number, number] {
  const match = /^rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)$/.exec(css);
  if (match === null) throw new Error(`not an rgb colour: ${css}`);
  if (match[4] !== undefined && Number(match[4]) < 1)
    throw new Error(`translucent colour, contrast undefined: ${css}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function luminance([r, g, b]: [number, number, number]): number {
  const channel = (value: number): number => {
    const c = value / 255;
    return c <= 0.039_28 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(foreground: string, background: string): number {
  const a = luminance(parseRgb(foreground));
  const b = luminance(parseRgb(background));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
