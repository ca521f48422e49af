import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AcquireResult, ConcurrencyLimiter } from '@chatbox/ratelimit';
import { expectCode } from '../support/expect-code.js';

export interface ConcurrencyHarness {
  create(options: { limit: number }): ConcurrencyLimiter;
  close(): Promise<void>;
}

const LIMIT = 3;
let keySeq = 0;
const freshKey = (): string => `gen-${++keySeq}`;

function granted(result: AcquireResult): () => Promise<void> {
  if (!result.ok) throw new Error(`expected a slot, got ${JSON.stringify(result)}`);
  return result.release;
}

export function concurrencyContract(
  name: string,
  makeHarness: () => Promise<ConcurrencyHarness>,
): void {
  describe(`ConcurrencyLimiter contract: ${name}`, () => {
    let harness: ConcurrencyHarness;
    let limiter: ConcurrencyLimiter;

    beforeAll(async () => {
      harness = await makeHarness();
      limiter = harness.create({ limit: LIMIT });
    });
    afterAll(async () => {
      await limiter.close();
      await harness.close();
    });

    it('grants `limit` slots per key, then refuses with the active count', async () => {
      const key = freshKey();
      const releases = [];
      for (let i = 0; i < LIMIT; i += 1) releases.push(granted(await limiter.acquire(key)));
      expect(await limiter.acquire(key)).toEqual({ ok: false, active: LIMIT, limit: LIMIT });
      expect(await limiter.active(key)).toBe(LIMIT);
      await Promise.all(releases.map((release) => release()));
    });

    it('release is idempotent: a double release frees one slot only', async () => {
      const key = freshKey();
      const releases = [];
      for (let i = 0; i < LIMIT; i += 1) releases.push(granted(await limiter.acquire(key)));
      await releases[0]!();
      await releases[0]!();
      expect(await limiter.active(key)).toBe(LIMIT - 1);
      const again = granted(await limiter.acquire(key));
      expect((await limiter.acquire(key)).ok).toBe(false);
      await Promise.all([again(), ...releases.slice(1).map((release) => release())]);
      expect(await limiter.active(key)).toBe(0);
    });

    it('keeps no key once every slot is released', async () => {
      const keys = [freshKey(), freshKey(), freshKey()];
      const before = await limiter.size();
      const releases = [];
      for (const key of keys) releases.push(granted(await limiter.acquire(key)));
      expect(await limiter.size()).toBe(before + keys.length);
      await Promise.all(releases.map((release) => release()));
      expect(await limiter.size()).toBe(before);
      for (const key of keys) expect(await limiter.active(key)).toBe(0);
    });

    it('grants exactly `limit` slots to concurrent acquires', async () => {
      const key = freshKey();
      const results = await Promise.all(Array.from({ length: 12 }, () => limiter.acquire(key)));
      const ok = results.filter(
        (result): result is Extract<AcquireResult, { ok: true }> => result.ok,
      );
      expect(ok).toHaveLength(LIMIT);
      await Promise.all(ok.map((result) => result.release()));
      expect(await limiter.active(key)).toBe(0);
    });

    it('rejects invalid keys and options with TypeErrors', async () => {
      await expectCode(limiter.acquire(''), 'ERR_RATELIMIT_INVALID_ARGUMENT', TypeError);
      await expectCode(
        limiter.active('k'.repeat(513)),
        'ERR_RATELIMIT_INVALID_ARGUMENT',
        TypeError,
      );
      expect(() => harness.create({ limit: 0 })).toThrow(TypeError);
    });

    it('close is idempotent; acquire afterwards rejects, a held release still resolves', async () => {
      const closing = harness.create({ limit: LIMIT });
      const release = granted(await closing.acquire(freshKey()));
      await closing.close();
      await closing.close();
      await expectCode(closing.acquire(freshKey()), 'ERR_RATELIMIT_CLOSED');
      await expectCode(closing.active(freshKey()), 'ERR_RATELIMIT_CLOSED');
      await expectCode(closing.size(), 'ERR_RATELIMIT_CLOSED');
      await expect(release()).resolves.toBeUndefined();
    });
  });
}
