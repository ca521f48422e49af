import { describe, expect, it, jest } from '@jest/globals';
import { createMemoryLimiter } from '@chatbox/ratelimit';
import { limiterContract } from '../contract/limiter-contract.js';
import { createFakeTimers } from '../support/fake-timers.js';

limiterContract('memory, fake clock', async () => {
  const timers = createFakeTimers();
  return {
    create: (options) => createMemoryLimiter({ ...options, clock: timers.now, timers }),
    advance: async (ms) => timers.advance(ms),
    slackMs: 0,
    close: async () => undefined,
  };
});

describe('createMemoryLimiter', () => {
  it('sweeps idle keys from an unref()ed interval and stops it on close', async () => {
    const timers = createFakeTimers();
    const limiter = createMemoryLimiter({
      limit: 2,
      windowMs: 1_000,
      clock: timers.now,
      timers,
      cleanupIntervalMs: 250,
    });
    expect(timers.intervals()).toEqual([{ ms: 250, unrefed: true }]);
    for (let i = 0; i < 5; i += 1) await limiter.consume(`k${i}`);
    await limiter.consume('busy', 2);
    timers.advance(400);
    expect(await limiter.size()).toBe(6);
    timers.advance(200); // one unit refills in 500 ms: the sweep at 500 ms drops the five
    expect(await limiter.size()).toBe(1);
    timers.advance(1_000);
    expect(await limiter.size()).toBe(0);
    await limiter.close();
    expect(timers.intervals()).toEqual([]);
  });

  it('cleanup() reports how many keys it removed', async () => {
    const timers = createFakeTimers();
    const limiter = createMemoryLimiter({ limit: 2, windowMs: 1_000, clock: timers.now, timers });
    for (let i = 0; i < 7; i += 1) await limiter.consume(`k${i}`);
    timers.setNow(timers.now() + 1_000);
    await limiter.consume('fresh');
    expect(await limiter.cleanup()).toBe(7);
    expect(await limiter.cleanup()).toBe(0);
    expect(await limiter.size()).toBe(1);
    await limiter.close();
  });

  it('drops an expired key lazily when it is next seen', async () => {
    const timers = createFakeTimers();
    const limiter = createMemoryLimiter({ limit: 2, windowMs: 1_000, clock: timers.now, timers });
    await limiter.consume('a');
    timers.setNow(5_000);
    expect(await limiter.peek('a')).toMatchObject({ allowed: true, remaining: 2 });
    expect(await limiter.size()).toBe(0);
    await limiter.consume('b');
    timers.setNow(10_000);
    expect(await limiter.consume('b')).toMatchObject({ allowed: true, remaining: 1 });
    expect(await limiter.size()).toBe(1);
    await limiter.close();
  });

  it("at maxKeys, 'evict-oldest' forgets the least recently updated key", async () => {
    const timers = createFakeTimers();
    const limiter = createMemoryLimiter({
      limit: 3,
      windowMs: 60_000,
      maxKeys: 3,
      clock: timers.now,
      timers,
    });
    for (const key of ['a', 'b', 'c']) await limiter.consume(key, 3);
    await limiter.consume('a', 3); // denied: a denial does not refresh a key
    timers.advance(20_000);
    await limiter.consume('a'); // allowed: 'a' is now the most recently updated
    expect((await limiter.consume('d')).allowed).toBe(true);
    expect(await limiter.size()).toBe(3);
    expect(await limiter.peek('b')).toMatchObject({ remaining: 3 }); // 'b' was evicted
    expect((await limiter.peek('c')).remaining).toBe(1);
    await limiter.close();
  });

  it('at maxKeys, an expired oldest key makes room before anything live is evicted', async () => {
    const timers = createFakeTimers();
    const limiter = createMemoryLimiter({
      limit: 2,
      windowMs: 1_000,
      maxKeys: 2,
      clock: timers.now,
      timers,
      whenFull: 'refuse',
    });
    await limiter.consume('old');
    timers.advance(900);
    await limiter.consume('live', 2);
    timers.advance(200);
    expect((await limiter.consume('new')).allowed).toBe(true);
    expect((await limiter.peek('live')).remaining).toBe(0);
    await limiter.close();
  });

  it("at maxKeys, 'refuse' denies new keys with an honest retry hint and keeps serving held keys", async () => {
    const timers = createFakeTimers();
    const limiter = createMemoryLimiter({
      limit: 2,
      windowMs: 1_000,
      maxKeys: 2,
      clock: timers.now,
      timers,
      whenFull: 'refuse',
    });
    await limiter.consume('a');
    await limiter.consume('b');
    const refused = await limiter.consume('c');
    expect(refused).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterMs: 500,
      limit: 2,
      resetMs: 0,
    });
    expect((await limiter.consume('a')).allowed).toBe(true);
    timers.advance(refused.retryAfterMs);
    expect((await limiter.consume('c')).allowed).toBe(true);
    expect(await limiter.size()).toBe(2);
    await limiter.close();
  });

  it('accepts a fractional clock and defaults to real, unref()ed timers', async () => {
    let now = 1_000.25;
    const limiter = createMemoryLimiter({ limit: 1, windowMs: 10, clock: () => now });
    expect((await limiter.consume('k')).allowed).toBe(true);
    now += 9.5;
    expect((await limiter.consume('k')).retryAfterMs).toBe(1);
    now += 0.5;
    expect((await limiter.consume('k')).allowed).toBe(true);
    await limiter.close();
    const defaults = createMemoryLimiter({ limit: 5, windowMs: 1_000 });
    expect((await defaults.consume('k')).remaining).toBe(4);
    await defaults.close();
  });

  it('logs evictions at debug level through the given logger', async () => {
    const debug = jest.fn();
    const logger = { debug, warn: jest.fn(), child: () => logger };
    const timers = createFakeTimers();
    const limiter = createMemoryLimiter({
      limit: 1,
      windowMs: 1_000,
      maxKeys: 1,
      clock: timers.now,
      timers,
      logger: logger as never,
    });
    await limiter.consume('a');
    await limiter.consume('b');
    expect(debug).toHaveBeenCalledWith({ maxKeys: 1 }, expect.stringContaining('evicting'));
    await limiter.close();
  });
});
