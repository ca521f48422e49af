import { spread, type Spread } from './stats.js';

/** One row of bench/results/latest.json, in the shape the findings report reads. */
export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly min: number | null;
  readonly median: number | null;
  readonly max: number | null;
  readonly baseline?: {
    readonly min: number | null;
    readonly median: number | null;
    readonly max: number | null;
  };
  readonly ratio?: number | null;
  readonly target?: string;
  readonly met?: boolean;
}

export interface ScenarioResult {
  readonly name: string;
  readonly figures: Figure[];
  /** Extra context printed under the table (the findings report ignores it). */
  readonly notes: string[];
}

/** A goal from issue 10: reported with `met`, never asserted. */
export interface Target {
  readonly text: string;
  readonly met: (median: number) => boolean;
}

export function atMost(limit: number, text: string): Target {
  return { text, met: (median) => median <= limit };
}

export function atLeast(limit: number, text: string): Target {
  return { text, met: (median) => median >= limit };
}

function finite(value: number, digits: number): number | null {
  if (!Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function rounded(
  values: Spread,
  digits: number,
): { min: number | null; median: number | null; max: number | null } {
  return {
    min: finite(values.min, digits),
    median: finite(values.median, digits),
    max: finite(values.max, digits),
  };
}

export interface FigureInput {
  readonly name: string;
  readonly unit: string;
  /** One value per run. */
  readonly runs: readonly number[];
  /** The same figure for the baseline, one value per run of the same process tree. */
  readonly baseline?: readonly number[];
  /** Which value the target is checked on; `ratio` needs a baseline. */
  readonly targetOn?: 'median' | 'ratio';
  readonly target?: Target;
  /** Decimal places kept; small figures (µs, ms) need more than rates. */
  readonly digits?: number;
}

/** Ratio = median / baseline median: the alternation of runs already pairs them in time. */
export function figure(input: FigureInput): Figure {
  const digits = input.digits ?? 2;
  const own = spread(input.runs);
  const result: { -readonly [K in keyof Figure]: Figure[K] } = {
    name: input.name,
    unit: input.unit,
    ...rounded(own, digits),
  };
  let ratio = Number.NaN;
  if (input.baseline !== undefined) {
    const base = spread(input.baseline);
    result.baseline = rounded(base, digits);
    ratio = own.median / base.median;
    result.ratio = finite(ratio, 3);
  }
  if (input.target !== undefined) {
    const checked = input.targetOn === 'ratio' ? ratio : own.median;
    result.target = input.target.text;
    if (Number.isFinite(checked)) result.met = input.target.met(checked);
  }
  return result;
}
