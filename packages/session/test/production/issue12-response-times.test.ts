import { afterEach, describe, expect, it } from '@jest/globals';
import {
  DEFAULT_MIN_TRACKABLE_MS,
  DEFAULT_RELATIVE_ACCURACY,
  createResponseTimeHistogram,
  createSessionManager,
} from '@chatbox/session';
import type { SessionManager } from '@chatbox/session';
import { forceGc, heapUsedBytes, recordFigure } from '@chatbox/testkit';

const RECORDINGS = 1_000_000;
const MB = 1024 * 1024;
// Room for a loaded CI machine with coverage on; a time limit, not a speed assertion.
const SLOW_TEST_TIMEOUT_MS = 120_000;
/** The old design kept every recording: at least 8 bytes each. */
const LIST_BYTES = RECORDINGS * 8;
const FLOAT_SLACK = 1 + 1e-9;

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Response times in ms at microsecond resolution: mostly ~0.8 s, a slow tail, a few sub-ms. */
function responseTimes(count: number): { values: Float64Array; sumMicros: number } {
  const next = random(12);
  const values = new Float64Array(count);
  let sumMicros = 0;
  for (let i = 0; i < count; i += 1) {
    const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    const kind = next();
    const ms =
      kind < 0.002
        ? next()
        : kind < 0.902
          ? Math.exp(Math.log(800) + 0.5 * z)
          : Math.exp(Math.log(6_000) + 0.8 * z);
    const micros = Math.round(Math.min(ms, 600_000) * 1000);
    values[i] = micros / 1000;
    sumMicros += micros;
  }
  return { values, sumMicros };
}

function exactPercentile(sorted: Float64Array, p: number): number {
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

/** The bound stated by createResponseTimeHistogram. */
function allowedError(exact: number): number {
  return exact < DEFAULT_MIN_TRACKABLE_MS
    ? DEFAULT_MIN_TRACKABLE_MS / 2
    : DEFAULT_RELATIVE_ACCURACY * exact * FLOAT_SLACK;
}

describe('finding 12: response-time statistics in constant memory', () => {
  let manager: SessionManager | undefined;
  afterEach(() => {
    manager?.close();
    manager = undefined;
  });

  it(
    'ProductionIssue12_ResponseTimesGrowth',
    () => {
      const { values, sumMicros } = responseTimes(RECORDINGS);
      const sorted = values.slice().sort();

      // The structure itself: its size is fixed before the first recording.
      const histogram = createResponseTimeHistogram();
      const emptyBytes = histogram.byteSize();
      histogram.record(values[0]!);
      const oneBytes = histogram.byteSize();
      for (let i = 1; i < RECORDINGS; i += 1) histogram.record(values[i]!);
      expect(histogram.byteSize()).toBe(emptyBytes);
      expect(oneBytes).toBe(emptyBytes);
      expect(histogram.byteSize()).toBeLessThan(LIST_BYTES / 100);

      // The same recordings on a session, where the old service appended to a list.
      manager = createSessionManager({ sweepIntervalMs: 0 });
      const { id } = manager.create('user-1');
      manager.recordResponseTime(id, values[0]!);
      forceGc();
      const heapBefore = heapUsedBytes();
      for (let i = 1; i < RECORDINGS; i += 1) manager.recordResponseTime(id, values[i]!);
      forceGc();
      const heapGrowthMb = (heapUsedBytes() - heapBefore) / MB;

      const summary = manager.snapshot(id).responseTimes;
      expect(summary).toEqual(histogram.summary());
      expect(summary.count).toBe(RECORDINGS);
      expect(summary.minMs).toBe(sorted[0]);
      expect(summary.maxMs).toBe(sorted[RECORDINGS - 1]);
      const exactMean = sumMicros / 1000 / RECORDINGS;
      expect(Math.abs(summary.meanMs - exactMean)).toBeLessThanOrEqual(exactMean * 1e-12);

      const errors: Record<string, number> = {};
      for (const [key, p] of [
        ['p50Ms', 0.5],
        ['p95Ms', 0.95],
        ['p99Ms', 0.99],
      ] as const) {
        const exact = exactPercentile(sorted, p);
        const estimate = summary[key];
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(allowedError(exact));
        errors[key] = Math.abs(estimate - exact) / exact;
      }
      // Generous: a list of the recordings would need LIST_BYTES on its own.
      expect(heapGrowthMb * MB).toBeLessThan(LIST_BYTES / 2);

      recordFigure('12', 'recordings', RECORDINGS, 'recordings');
      recordFigure('12', 'histogram size', histogram.byteSize(), 'bytes');
      recordFigure('12', 'bytes a list of every recording would need', LIST_BYTES, 'bytes');
      recordFigure(
        '12',
        'heap growth over 1,000,000 recordings',
        Number(heapGrowthMb.toFixed(3)),
        'MB',
      );
      recordFigure('12', 'stated percentile error bound', DEFAULT_RELATIVE_ACCURACY * 100, '%');
      for (const [key, error] of Object.entries(errors)) {
        recordFigure(
          '12',
          `${key.slice(0, 3)} relative error`,
          Number((error * 100).toFixed(4)),
          '%',
        );
      }
    },
    SLOW_TEST_TIMEOUT_MS,
  );
});
