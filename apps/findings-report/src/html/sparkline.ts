import { escapeMarkup as x } from '../escape.js';

export interface SparkPoint {
  /** 0..1, drawn bottom to top. */
  readonly ratio: number;
  /** A class name that colours the dot (the page's stylesheet maps it). */
  readonly tone: string;
}

export interface SparklineOptions {
  readonly points: readonly SparkPoint[];
  readonly label: string;
  /** At most this many points, the newest at the right. */
  readonly slots: number;
}

const WIDTH = 120;
const HEIGHT = 28;
const PAD = 5;

/** An inline SVG: it renders without JavaScript and prints. */
export function sparkline({ points, label, slots }: SparklineOptions): string {
  if (points.length === 0) return `<span class="muted">no runs</span>`;
  const shown = points.slice(-slots);
  const step = shown.length === 1 ? 0 : (WIDTH - 2 * PAD) / (shown.length - 1);
  const coords = shown.map((point, index) => ({
    x: shown.length === 1 ? WIDTH - PAD : PAD + index * step,
    y: PAD + (1 - Math.min(Math.max(point.ratio, 0), 1)) * (HEIGHT - 2 * PAD),
    tone: point.tone,
  }));
  const line = coords.map((c) => `${c.x.toFixed(1)},${c.y.toFixed(1)}`).join(' ');
  const dots = coords
    .map(
      (c, index) =>
        `<circle class="dot ${x(c.tone)}" cx="${c.x.toFixed(1)}" cy="${c.y.toFixed(1)}" r="${index === coords.length - 1 ? 3.5 : 2.5}"/>`,
    )
    .join('');
  return (
    `<svg class="spark" role="img" aria-label="${x(label)}" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">` +
    `<title>${x(label)}</title>` +
    `<rect class="frame" x="0" y="0" width="${WIDTH}" height="${HEIGHT}" rx="4"/>` +
    (coords.length > 1 ? `<polyline points="${line}"/>` : '') +
    dots +
    `</svg>`
  );
}
