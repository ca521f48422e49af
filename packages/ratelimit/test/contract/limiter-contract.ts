import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Limiter } from '@chatbox/ratelimit';
import { expectCode } from '../support/expect-code.js';

export interface LimiterHarness {
  create(options: { limit: number; windowMs: number }): Limiter;
  /** Lets `ms` pass: a fake clock for memory, a real wait for Redis. */
  advance(ms: number): Promise<void>;
  /** Real time that may pass between two calls of one test (0 with a fake clock). */
  readonly slackMs: number;
  close(): Promise<void>;
}

// 4 units per 2 s: one unit every 500 ms, wide enough for real-time bounds on a loaded machine.
const LIMIT = 4;
const WINDOW_MS = 2_000;
const INTERVAL_MS = WINDOW_MS / LIMIT;
let keySeq = 0;
const freshKey = (): string => `user-${++keySeq}`;

export function limiterContract(name: string, makeHarness: () => Promise<LimiterHarness>): void {
  describe(`Limiter contract: ${name}`, () => {
    let harness: LimiterHarness;
    let limiter: Limiter;

    beforeAll(async () => {
      harness = await makeHarness();
      limiter = harness.create({ limit: LIMIT, windowMs: WINDOW_MS });
    });
    afterAll(async () => {
      await limiter.close();
      await harness.close();
    });

    it('allows `limit` units in a burst, then denies with a retry hint', async () => {
      const key = freshKey();
      const remaining: number[] = [];
      for (let i = 0; i < LIMIT; i += 1) {
        const decision = await limiter.consume(key);
        expect(decision.allowed).toBe(true);
        expect(decision.retryAfterMs).toBe(0);
        remaining.push(decision.remaining);
      }
      expect(remaining).toEqual([3, 2, 1, 0]);
      const denied = await limiter.consume(key);
      expect(denied).toMatchObject({ allowed: false, remaining: 0, limit: LIMIT });
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(INTERVAL_MS);
      expect(denied.resetMs).toBeGreaterThan(WINDOW_MS - INTERVAL_MS);
      expect(denied.resetMs).toBeLessThanOrEqual(WINDOW_MS);
    });

    it('a denied request consumes nothing; waiting retryAfterMs allows one more unit', async () => {
      const key = freshKey();
      for (let i = 0; i < LIMIT; i += 1) await limiter.consume(key);
      let last = await limiter.consume(key);
      for (let i = 0; i < 3; i += 1) last = await limiter.consume(key);
      expect(last.allowed).toBe(false);
      await harness.advance(last.retryAfterMs + harness.slackMs);
      expect((await limiter.consume(key)).allowed).toBe(true);
      expect((await limiter.consume(key)).allowed).toBe(false);
    });

    it('refills to the full budget after windowMs', async () => {
      const key = freshKey();
      expect((await limiter.consume(key, LIMIT)).allowed).toBe(true);
      expect((await limiter.consume(key)).allowed).toBe(false);
      await harness.advance(WINDOW_MS + harness.slackMs);
      const full = await limiter.consume(key, LIMIT);
      expect(full).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('charges `cost` units at once', async () => {
      const key = freshKey();
      expect(await limiter.consume(key, 3)).toMatchObject({ allowed: true, remaining: 1 });
      const denied = await limiter.consume(key, 2);
      expect(denied).toMatchObject({ allowed: false, remaining: 1 });
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(INTERVAL_MS);
      expect(await limiter.consume(key, 1)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('rejects invalid keys and costs with TypeErrors', async () => {
      for (const cost of [0, -1, 1.5, Number.NaN, LIMIT + 1]) {
        await expectCode(
          limiter.consume(freshKey(), cost),
          'ERR_RATELIMIT_INVALID_ARGUMENT',
          TypeError,
        );
      }
      for (const key of ['', 'k'.repeat(513), 42 as unknown as string]) {
        await expectCode(limiter.consume(key), 'ERR_RATELIMIT_INVALID_ARGUMENT', TypeError);
        await expectCode(limiter.peek(key), 'ERR_RATELIMIT_INVALID_ARGUMENT', TypeError);
        await expectCode(limiter.reset(key), 'ERR_RATELIMIT_INVALID_ARGUMENT', TypeError);
      }
    });

    it('keeps keys independent', async () => {
      const [a, b] = [freshKey(), freshKey()];
      expect((await limiter.consume(a, LIMIT)).allowed).toBe(true);
      expect((await limiter.consume(a)).allowed).toBe(false);
      expect(await limiter.consume(b)).toMatchObject({ allowed: true, remaining: LIMIT - 1 });
    });

    it('peek reports without consuming', async () => {
      const key = freshKey();
      expect(await limiter.peek(key)).toEqual({
        allowed: true,
        remaining: LIMIT,
        retryAfterMs: 0,
        limit: LIMIT,
        resetMs: 0,
      });
      await limiter.consume(key);
      for (let i = 0; i < 3; i += 1) {
        expect(await limiter.peek(key)).toMatchObject({ allowed: true, remaining: LIMIT - 1 });
      }
      await limiter.consume(key, LIMIT - 1);
      const exhausted = await limiter.peek(key);
      expect(exhausted).toMatchObject({ allowed: false, remaining: 0 });
      expect(exhausted.retryAfterMs).toBeGreaterThan(0);
    });

    it('reset gives a key its full budget back', async () => {
      const key = freshKey();
      await limiter.consume(key, LIMIT);
      await limiter.reset(key);
      expect(await limiter.consume(key)).toMatchObject({ allowed: true, remaining: LIMIT - 1 });
    });

    it('holds one key per active user and none once their budgets refill', async () => {
      const scoped = harness.create({ limit: LIMIT, windowMs: 500 });
      try {
        for (let i = 0; i < 10; i += 1) await scoped.consume(`idle-${i}`, 2);
        expect(await scoped.size()).toBe(10);
        await harness.advance(500 + harness.slackMs);
        expect(await scoped.cleanup()).toBeGreaterThanOrEqual(0);
        expect(await scoped.size()).toBe(0);
      } finally {
        await scoped.close();
      }
    });

    it('validates options up front', () => {
      for (const bad of [
        { limit: 0, windowMs: 1_000 },
        { limit: 1, windowMs: 0 },
        { limit: 2.5, windowMs: 1_000 },
      ]) {
        expect(() => harness.create(bad)).toThrow(TypeError);
      }
    });

    it('close is idempotent; later calls reject with ERR_RATELIMIT_CLOSED', async () => {
      const closing = harness.create({ limit: LIMIT, windowMs: WINDOW_MS });
      await closing.close();
      await closing.close();
      await expectCode(closing.consume('k'), 'ERR_RATELIMIT_CLOSED');
      await expectCode(closing.peek('k'), 'ERR_RATELIMIT_CLOSED');
      await expectCode(closing.reset('k'), 'ERR_RATELIMIT_CLOSED');
      await expectCode(closing.size(), 'ERR_RATELIMIT_CLOSED');
      await expectCode(closing.cleanup(), 'ERR_RATELIMIT_CLOSED');
    });
  });
}
