import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SessionError } from '../../src/errors.js';
import { EMPTY_RESPONSE_TIME_SUMMARY, createResponseTimeHistogram } from '../../src/histogram.js';

function exactPercentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

const FLOAT_SLACK = 1 + 1e-9;

describe('createResponseTimeHistogram', () => {
  it('reports an empty summary before any recording', () => {
    const histogram = createResponseTimeHistogram();
    expect(histogram.summary()).toBe(EMPTY_RESPONSE_TIME_SUMMARY);
    expect(histogram.percentile(0.5)).toBe(0);
    expect(histogram.count).toBe(0);
  });

  it('sizes its buckets from the options alone', () => {
    const histogram = createResponseTimeHistogram({
      relativeAccuracy: 0.01,
      minTrackableMs: 1,
      maxTrackableMs: 3_600_000,
    });
    const gamma = 1.01 / 0.99;
    expect(histogram.bucketCount).toBe(Math.ceil(Math.log(3_600_000) / Math.log(gamma)) + 3);
    expect(histogram.byteSize()).toBe(histogram.bucketCount * 8 + 64);
    const before = histogram.byteSize();
    for (let i = 0; i < 10_000; i += 1) histogram.record(i * 7.3);
    expect(histogram.byteSize()).toBe(before);
  });

  it('keeps count, mean, min and max exact', () => {
    const histogram = createResponseTimeHistogram();
    for (const value of [5, 10, 15, 20]) histogram.record(value);
    const summary = histogram.summary();
    expect(summary).toMatchObject({ count: 4, meanMs: 12.5, minMs: 5, maxMs: 20 });
    expect(Object.isFrozen(summary)).toBe(true);
  });

  it('keeps every percentile of in-range values within the relative bound (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 3_600_000, noNaN: true }), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.constantFrom(0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1),
        (values, p) => {
          const histogram = createResponseTimeHistogram();
          for (const value of values) histogram.record(value);
          const exact = exactPercentile(
            [...values].sort((a, b) => a - b),
            p,
          );
          const estimate = histogram.percentile(p);
          expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(0.01 * exact * FLOAT_SLACK);
        },
      ),
    );
  });

  it('bounds the absolute error of values below the trackable range', () => {
    const histogram = createResponseTimeHistogram({ minTrackableMs: 10 });
    for (const value of [0, 1, 2, 3, 9]) histogram.record(value);
    expect(Math.abs(histogram.percentile(0.5) - 2)).toBeLessThan(5);
    expect(histogram.summary().minMs).toBe(0);
  });

  it('reports values above the trackable range as the observed maximum', () => {
    const histogram = createResponseTimeHistogram({ minTrackableMs: 1, maxTrackableMs: 100 });
    for (const value of [1, 2, 500, 800]) histogram.record(value);
    expect(histogram.percentile(1)).toBe(800);
    expect(histogram.percentile(0.75)).toBe(800);
    expect(histogram.percentile(0.25)).toBeCloseTo(1, 1);
  });

  it('clamps estimates to the observed min and max', () => {
    const histogram = createResponseTimeHistogram({ relativeAccuracy: 0.4 });
    histogram.record(100);
    expect(histogram.summary()).toMatchObject({ p50Ms: 100, p95Ms: 100, p99Ms: 100 });
  });

  it('refuses invalid recordings and percentiles', () => {
    const histogram = createResponseTimeHistogram();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      expect(() => histogram.record(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_SESSION_INVALID_ARGUMENT' }),
      );
    }
    for (const p of [0, -0.1, 1.01, Number.NaN]) {
      expect(() => histogram.percentile(p)).toThrow(SessionError);
    }
    expect(histogram.count).toBe(0);
  });

  it('refuses invalid options', () => {
    const cases = [
      { relativeAccuracy: 0 },
      { relativeAccuracy: 0.5 },
      { relativeAccuracy: Number.NaN },
      { minTrackableMs: -1 },
      { maxTrackableMs: Number.POSITIVE_INFINITY },
      { minTrackableMs: 10, maxTrackableMs: 10 },
    ];
    for (const options of cases) {
      expect(() => createResponseTimeHistogram(options)).toThrow(
        expect.objectContaining({ code: 'ERR_SESSION_INVALID_OPTIONS' }),
      );
    }
  });

  it('merges histograms with the same options as if all values were recorded in one', () => {
    const a = createResponseTimeHistogram();
    const b = createResponseTimeHistogram();
    const all = createResponseTimeHistogram();
    for (let i = 1; i <= 500; i += 1) {
      (i % 2 === 0 ? a : b).record(i * 3);
      all.record(i * 3);
    }
    a.merge(b);
    expect(a.summary()).toEqual(all.summary());
    a.merge(createResponseTimeHistogram());
    expect(a.count).toBe(500);
  });

  it('refuses to merge histograms with different options', () => {
    const a = createResponseTimeHistogram();
    for (const other of [
      createResponseTimeHistogram({ relativeAccuracy: 0.02 }),
      createResponseTimeHistogram({ minTrackableMs: 2 }),
      createResponseTimeHistogram({ maxTrackableMs: 1000 }),
    ]) {
      expect(() => a.merge(other)).toThrow(
        expect.objectContaining({ code: 'ERR_SESSION_HISTOGRAM_MISMATCH' }),
      );
    }
    const impostor = { ...createResponseTimeHistogram() };
    expect(() => a.merge(impostor as never)).toThrow(SessionError);
  });

  it('absorbs a summary keeping count, mean, min, max exact and percentiles within the bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 400 }),
        (values) => {
          const source = createResponseTimeHistogram();
          for (const value of values) source.record(value);
          const original = source.summary();
          const restored = createResponseTimeHistogram();
          restored.absorbSummary(original);
          const summary = restored.summary();
          expect(summary.count).toBe(original.count);
          expect(summary.meanMs).toBeCloseTo(original.meanMs, 6);
          expect(summary.minMs).toBe(original.minMs);
          expect(summary.maxMs).toBe(original.maxMs);
          for (const key of ['p50Ms', 'p95Ms', 'p99Ms'] as const) {
            expect(Math.abs(summary[key] - original[key])).toBeLessThanOrEqual(
              0.0201 * original[key] * FLOAT_SLACK,
            );
          }
        },
      ),
    );
  });

  it('ignores an empty summary and refuses a malformed one', () => {
    const histogram = createResponseTimeHistogram();
    histogram.absorbSummary(EMPTY_RESPONSE_TIME_SUMMARY);
    expect(histogram.count).toBe(0);
    expect(() => histogram.absorbSummary({ ...EMPTY_RESPONSE_TIME_SUMMARY, count: 1.5 })).toThrow(
      SessionError,
    );
    expect(() =>
      histogram.absorbSummary({ ...EMPTY_RESPONSE_TIME_SUMMARY, count: 3, p95Ms: -1 }),
    ).toThrow(SessionError);
    expect(() =>
      histogram.absorbSummary({ ...EMPTY_RESPONSE_TIME_SUMMARY, count: 3, meanMs: Number.NaN }),
    ).toThrow(SessionError);
    expect(histogram.count).toBe(0);
  });

  it('resets to empty', () => {
    const histogram = createResponseTimeHistogram();
    histogram.record(42);
    histogram.reset();
    expect(histogram.summary()).toEqual(EMPTY_RESPONSE_TIME_SUMMARY);
    histogram.record(7);
    expect(histogram.summary()).toMatchObject({ count: 1, minMs: 7, maxMs: 7, meanMs: 7 });
  });
});
