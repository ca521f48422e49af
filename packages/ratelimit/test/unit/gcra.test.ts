import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createMemoryLimiter } from '@chatbox/ratelimit';
import { describeDecision, gcraParams, isAllowed } from '../../src/gcra.js';
import { createFakeTimers } from '../support/fake-timers.js';

describe('gcra', () => {
  it('derives an integer µs interval and a burst of `limit` intervals', () => {
    expect(gcraParams(4, 2_000)).toEqual({ limit: 4, intervalUs: 500_000, burstUs: 2_000_000 });
    expect(gcraParams(3, 1_000)).toEqual({ limit: 3, intervalUs: 333_333, burstUs: 999_999 });
    expect(gcraParams(1_000, 1)).toEqual({ limit: 1_000, intervalUs: 1, burstUs: 1_000 });
  });

  it('clamps remaining at 0 for a TAT beyond this limiter burst (e.g. written with other options)', () => {
    const params = gcraParams(2, 1_000);
    expect(isAllowed(params, 5_000_000, 1)).toBe(false);
    expect(describeDecision(params, 5_000_000, 1, false, true)).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterMs: 4_500,
      limit: 2,
      resetMs: 5_000,
    });
  });

  const op = fc.record({
    waitMs: fc.integer({ min: 0, max: 900 }),
    cost: fc.integer({ min: 1, max: 5 }),
  });

  it('property: allowed units over any span never exceed limit + span / interval', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(op, { minLength: 1, maxLength: 60 }),
        async (limit, ops) => {
          const windowMs = 1_000;
          const timers = createFakeTimers(1_000_000);
          const limiter = createMemoryLimiter({ limit, windowMs, clock: timers.now, timers });
          const allowedAt: { t: number; cost: number }[] = [];
          for (const { waitMs, cost } of ops) {
            timers.setNow(timers.now() + waitMs);
            const decision = await limiter.consume('k', Math.min(cost, limit));
            expect(decision.remaining).toBeGreaterThanOrEqual(0);
            expect(decision.remaining).toBeLessThanOrEqual(limit);
            if (decision.allowed) allowedAt.push({ t: timers.now(), cost: Math.min(cost, limit) });
            else expect(decision.retryAfterMs).toBeGreaterThan(0);
          }
          const intervalMs = gcraParams(limit, windowMs).intervalUs / 1_000;
          for (let i = 0; i < allowedAt.length; i += 1) {
            let units = 0;
            for (let j = i; j < allowedAt.length; j += 1) {
              units += allowedAt[j]!.cost;
              expect(units).toBeLessThanOrEqual(
                limit + (allowedAt[j]!.t - allowedAt[i]!.t) / intervalMs,
              );
            }
          }
          await limiter.close();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('property: waiting retryAfterMs always admits the denied cost, and an idle window restores the full budget', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.array(op, { maxLength: 30 }),
        async (limit, windowMs, ops) => {
          const timers = createFakeTimers(0);
          const limiter = createMemoryLimiter({ limit, windowMs, clock: timers.now, timers });
          for (const { waitMs, cost } of ops) {
            timers.setNow(timers.now() + waitMs);
            const c = Math.min(cost, limit);
            const decision = await limiter.consume('k', c);
            if (!decision.allowed) {
              timers.setNow(timers.now() + decision.retryAfterMs);
              expect((await limiter.consume('k', c)).allowed).toBe(true);
            }
          }
          timers.setNow(timers.now() + windowMs);
          expect(await limiter.peek('k')).toMatchObject({
            allowed: true,
            remaining: limit,
            resetMs: 0,
          });
          await limiter.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
