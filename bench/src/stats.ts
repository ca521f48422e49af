/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** min / median / max over runs; the median of an even count is the mean of the middle two. */
export function spread(values: readonly number[]): Spread {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const middle = Math.floor(finite.length / 2);
  const median =
    finite.length % 2 === 1 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
  return { min: finite[0]!, median, max: finite[finite.length - 1]! };
}

/**
 * Latency samples in a growing typed array: a few hundred thousand round trips per window must
 * not turn into as many boxed numbers in the load generator's heap.
 */
export class Samples {
  #values = new Float64Array(4_096);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length] = value;
    this.#length += 1;
  }

  clear(): void {
    this.#length = 0;
  }

  summary(): LatencySummary {
    const sorted = this.#values.slice(0, this.#length).sort();
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      count: sorted.length,
      mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
      p50: percentileOfSorted(sorted, 0.5),
      p99: percentileOfSorted(sorted, 0.99),
      max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
    };
  }
}

export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}
