import { SessionError } from './errors.js';
import type { ResponseTimeSummary } from './types.js';

export const DEFAULT_RELATIVE_ACCURACY = 0.01;
export const DEFAULT_MIN_TRACKABLE_MS = 1;
export const DEFAULT_MAX_TRACKABLE_MS = 3_600_000;
/** count, sum, compensation, min, max, and the three numeric options. */
const SCALAR_STATE_BYTES = 8 * 8;

export interface ResponseTimeHistogramOptions {
  /** α in (0, 0.5): every percentile of a value in the trackable range is within ±α of it. */
  readonly relativeAccuracy?: number;
  /** Values below this (down to 0) share one bucket: absolute error under minTrackableMs / 2. */
  readonly minTrackableMs?: number;
  /** Values above this share one bucket, reported as the exact observed maximum. */
  readonly maxTrackableMs?: number;
}

/**
 * Response-time statistics in constant memory (finding 12): a log-bucket histogram with a fixed
 * number of buckets, decided by the options alone.
 *
 * Error bound: count, mean, min and max are exact. A percentile p is the nearest-rank value
 * x = sorted[ceil(p·n) − 1] of the recorded values; the estimate x̂ satisfies |x̂ − x| ≤ α·x
 * (α = relativeAccuracy, default 1 %, plus float rounding) when x lies in
 * [minTrackableMs, maxTrackableMs]; |x̂ − x| < minTrackableMs / 2 when x is below that range;
 * above it, x̂ is the observed maximum. Estimates are always clamped to [min, max].
 */
export interface ResponseTimeHistogram {
  readonly relativeAccuracy: number;
  readonly minTrackableMs: number;
  readonly maxTrackableMs: number;
  readonly bucketCount: number;
  readonly count: number;
  record(ms: number): void;
  /** Nearest-rank percentile estimate for p in (0, 1]; 0 when nothing was recorded. */
  percentile(p: number): number;
  summary(): ResponseTimeSummary;
  /** Bytes of state held: the bucket array plus scalars. Never changes after creation. */
  byteSize(): number;
  /** Adds another histogram's recordings; both must have been created with the same options. */
  merge(other: ResponseTimeHistogram): void;
  /**
   * Adds the recordings a summary describes, placed at its min, p50, p95, p99 and max, so a
   * stored session's statistics survive a restore: count, mean, min and max stay exact and
   * p50/p95/p99 stay within the bound.
   */
  absorbSummary(summary: ResponseTimeSummary): void;
  reset(): void;
}

export const EMPTY_RESPONSE_TIME_SUMMARY: ResponseTimeSummary = Object.freeze({
  count: 0,
  meanMs: 0,
  minMs: 0,
  maxMs: 0,
  p50Ms: 0,
  p95Ms: 0,
  p99Ms: 0,
});

function positiveFinite(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new SessionError(
      'ERR_SESSION_INVALID_OPTIONS',
      `${name} must be a positive finite number`,
    );
  }
  return value;
}

class LogBucketHistogram implements ResponseTimeHistogram {
  readonly relativeAccuracy: number;
  readonly minTrackableMs: number;
  readonly maxTrackableMs: number;
  readonly bucketCount: number;
  readonly #gamma: number;
  readonly #logGamma: number;
  /** [underflow, k = 0 … K, overflow]; bucket k holds (min·γ^(k−1), min·γ^k]. */
  readonly #counts: Float64Array;
  #count = 0;
  #sum = 0;
  #compensation = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;

  constructor(options: ResponseTimeHistogramOptions) {
    const alpha = positiveFinite(
      'relativeAccuracy',
      options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY,
    );
    if (alpha >= 0.5) {
      throw new SessionError('ERR_SESSION_INVALID_OPTIONS', 'relativeAccuracy must be below 0.5');
    }
    const min = positiveFinite(
      'minTrackableMs',
      options.minTrackableMs ?? DEFAULT_MIN_TRACKABLE_MS,
    );
    const max = positiveFinite(
      'maxTrackableMs',
      options.maxTrackableMs ?? DEFAULT_MAX_TRACKABLE_MS,
    );
    if (max <= min) {
      throw new SessionError(
        'ERR_SESSION_INVALID_OPTIONS',
        'maxTrackableMs must exceed minTrackableMs',
      );
    }
    this.relativeAccuracy = alpha;
    this.minTrackableMs = min;
    this.maxTrackableMs = max;
    this.#gamma = (1 + alpha) / (1 - alpha);
    this.#logGamma = Math.log(this.#gamma);
    const regular = Math.ceil(Math.log(max / min) / this.#logGamma) + 1;
    this.bucketCount = regular + 2;
    this.#counts = new Float64Array(this.bucketCount);
  }

  get count(): number {
    return this.#count;
  }

  record(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new SessionError(
        'ERR_SESSION_INVALID_ARGUMENT',
        'a response time must be a finite number >= 0',
      );
    }
    this.#add(ms, 1);
  }

  #add(ms: number, times: number): void {
    const index = this.#indexOf(ms);
    this.#counts[index] = (this.#counts[index] ?? 0) + times;
    this.#count += times;
    this.#addToSum(ms * times);
    if (ms < this.#min) this.#min = ms;
    if (ms > this.#max) this.#max = ms;
  }

  // Neumaier summation keeps the mean exact to float precision over millions of recordings.
  #addToSum(value: number): void {
    const total = this.#sum + value;
    if (Math.abs(this.#sum) >= Math.abs(value)) {
      this.#compensation += this.#sum - total + value;
    } else {
      this.#compensation += value - total + this.#sum;
    }
    this.#sum = total;
  }

  #indexOf(ms: number): number {
    if (ms < this.minTrackableMs) return 0;
    if (ms > this.maxTrackableMs) return this.bucketCount - 1;
    const k = Math.max(0, Math.ceil(Math.log(ms / this.minTrackableMs) / this.#logGamma));
    return Math.min(k, this.bucketCount - 3) + 1;
  }

  #valueOf(index: number): number {
    if (index === 0) return this.minTrackableMs / 2;
    if (index === this.bucketCount - 1) return this.#max;
    const upper = this.minTrackableMs * Math.pow(this.#gamma, index - 1);
    return (2 * upper) / (this.#gamma + 1);
  }

  percentile(p: number): number {
    if (!Number.isFinite(p) || p <= 0 || p > 1) {
      throw new SessionError('ERR_SESSION_INVALID_ARGUMENT', 'a percentile must be in (0, 1]');
    }
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(p * this.#count));
    let seen = 0;
    for (let index = 0; index < this.bucketCount; index += 1) {
      seen += this.#counts[index] ?? 0;
      if (seen >= rank) return Math.min(this.#max, Math.max(this.#min, this.#valueOf(index)));
    }
    return this.#max;
  }

  summary(): ResponseTimeSummary {
    if (this.#count === 0) return EMPTY_RESPONSE_TIME_SUMMARY;
    return Object.freeze({
      count: this.#count,
      meanMs: (this.#sum + this.#compensation) / this.#count,
      minMs: this.#min,
      maxMs: this.#max,
      p50Ms: this.percentile(0.5),
      p95Ms: this.percentile(0.95),
      p99Ms: this.percentile(0.99),
    });
  }

  byteSize(): number {
    return this.#counts.byteLength + SCALAR_STATE_BYTES;
  }

  merge(other: ResponseTimeHistogram): void {
    if (
      !(other instanceof LogBucketHistogram) ||
      other.relativeAccuracy !== this.relativeAccuracy ||
      other.minTrackableMs !== this.minTrackableMs ||
      other.maxTrackableMs !== this.maxTrackableMs
    ) {
      throw new SessionError(
        'ERR_SESSION_HISTOGRAM_MISMATCH',
        'histograms differ in their options',
      );
    }
    if (other.#count === 0) return;
    for (let index = 0; index < this.bucketCount; index += 1) {
      this.#counts[index] = (this.#counts[index] ?? 0) + (other.#counts[index] ?? 0);
    }
    this.#count += other.#count;
    this.#addToSum(other.#sum);
    this.#addToSum(other.#compensation);
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
  }

  absorbSummary(summary: ResponseTimeSummary): void {
    const n = summary.count;
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new SessionError(
        'ERR_SESSION_INVALID_ARGUMENT',
        'summary.count must be a non-negative integer',
      );
    }
    if (n === 0) return;
    const points = [summary.minMs, summary.p50Ms, summary.p95Ms, summary.p99Ms, summary.maxMs];
    if (
      points.some((value) => !Number.isFinite(value) || value < 0) ||
      !Number.isFinite(summary.meanMs)
    ) {
      throw new SessionError(
        'ERR_SESSION_INVALID_ARGUMENT',
        'summary values must be finite and >= 0',
      );
    }
    // Nearest-rank placement: the reconstructed sample has the same p50/p95/p99 ranks.
    const r50 = Math.max(1, Math.ceil(0.5 * n));
    const r95 = Math.max(r50, Math.ceil(0.95 * n));
    const r99 = Math.max(r95, Math.ceil(0.99 * n));
    const counts = [1, r50 - 1, r95 - r50, r99 - r95, n - r99];
    const sumBefore = this.#sum + this.#compensation;
    points.forEach((value, i) => {
      const times = counts[i] ?? 0;
      if (times > 0) this.#add(value, times);
    });
    // The placed samples approximate the distribution; sum, min and max are restored exactly.
    this.#sum = sumBefore + summary.meanMs * n;
    this.#compensation = 0;
    this.#min = Math.min(this.#min, summary.minMs);
    this.#max = Math.max(this.#max, summary.maxMs);
  }

  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#compensation = 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#max = Number.NEGATIVE_INFINITY;
  }
}

export function createResponseTimeHistogram(
  options: ResponseTimeHistogramOptions = {},
): ResponseTimeHistogram {
  return new LogBucketHistogram(options);
}
