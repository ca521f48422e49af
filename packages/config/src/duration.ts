const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION_TEXT = /^(?:\d+(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+)(ms|s|m|h)/g;

/**
 * Parses a duration: an integer number of milliseconds (`250`) or unit-suffixed parts (`250ms`,
 * `30s`, `15m`, `1h30m`). Returns undefined for anything else, including negative and fractional
 * values, so a typo such as `15 min` is reported instead of read as 15 ms.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (/^\d+$/.test(value)) return toSafe(Number(value));
  if (!DURATION_TEXT.test(value)) return undefined;
  let total = 0;
  for (const match of value.matchAll(DURATION_PART)) {
    total += Number(match[1]) * UNIT_MS[match[2] as Unit];
  }
  return toSafe(total);
}

function toSafe(ms: number): number | undefined {
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** Shortest exact rendering (`900000` → `15m`, `1500` → `1s500ms`), for messages and summaries. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0ms';
  let rest = ms;
  let out = '';
  for (const unit of ['h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
