import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { forceGc, heapUsedBytes, recordFigure } from '@chatbox/testkit';
import { createMemoryLimiter, createRedisLimiter, DEFAULT_MAX_KEYS } from '@chatbox/ratelimit';
import type { Limiter } from '@chatbox/ratelimit';
import { createFakeTimers } from '../support/fake-timers.js';
import { eventually, sleep, startRedisFixture } from '../support/redis.js';
import type { RedisFixture } from '../support/redis.js';

const MB = 1024 * 1024;
/** A wall-clock-sized start, so stored times are heap numbers as in production, not small integers. */
const EPOCH_MS = 1_750_000_000_000;
const toMb = (bytes: number): number => Math.round((bytes / MB) * 100) / 100;

function settledHeap(): number {
  forceGc();
  return heapUsedBytes();
}

/** 100 users, `perUser` events each, one per fake millisecond; returns the most keys ever held. */
async function trafficFrom100Users(
  limiter: Limiter,
  advanceMs: (ms: number) => void,
  perUser: number,
): Promise<number> {
  let maxHeld = 0;
  for (let round = 0; round < perUser; round += 1) {
    for (let user = 0; user < 100; user += 1) {
      await limiter.consume(`user-${user}`);
      advanceMs(1);
    }
    maxHeld = Math.max(maxHeld, await limiter.size());
  }
  return maxHeld;
}

describe('ProductionIssue11_CleanupMethod', () => {
  let fixture: RedisFixture;
  beforeAll(async () => {
    fixture = await startRedisFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('cleanup() removes every expired key of 100 users, and only those', async () => {
    const timers = createFakeTimers();
    const limiter = createMemoryLimiter({ limit: 10, windowMs: 1_000, clock: timers.now, timers });
    await trafficFrom100Users(limiter, (ms) => timers.setNow(timers.now() + ms), 5);
    expect(await limiter.size()).toBe(100);
    timers.setNow(timers.now() + 500);
    await limiter.consume('still-active', 10);
    timers.setNow(timers.now() + 1_000);
    await limiter.consume('just-arrived');
    const removed = await limiter.cleanup();
    const held = await limiter.size();
    recordFigure(
      '11',
      'cleanup: keys removed by cleanup() (100 idle users + 1 expired)',
      removed,
      'keys',
    );
    recordFigure('11', 'cleanup: keys held after cleanup() (1 user still limited)', held, 'keys');
    expect(removed).toBe(101);
    expect(held).toBe(1);
    expect((await limiter.peek('still-active')).allowed).toBe(true);
    await limiter.close();
  });

  it('an unref()ed sweep removes them without anyone calling cleanup()', async () => {
    const limiter = createMemoryLimiter({ limit: 5, windowMs: 100, cleanupIntervalMs: 20 });
    for (let user = 0; user < 100; user += 1) {
      for (let event = 0; event < 3; event += 1) await limiter.consume(`user-${user}`);
    }
    expect(await limiter.size()).toBe(100);
    expect(await eventually(async () => (await limiter.size()) === 0, 3_000)).toBe(true);
    recordFigure(
      '11',
      'cleanup: keys held after the automatic sweep',
      await limiter.size(),
      'keys',
    );
    await limiter.close();
  });

  it("the shared Redis limiter's keys expire by themselves", async () => {
    const limiter = createRedisLimiter({
      redis: fixture.client(),
      limit: 5,
      windowMs: 300,
      prefix: fixture.prefix('p11'),
    });
    for (let user = 0; user < 100; user += 1) {
      for (let event = 0; event < 3; event += 1) await limiter.consume(`user-${user}`);
    }
    expect(await limiter.size()).toBe(100);
    await sleep(450);
    expect(await limiter.size()).toBe(0);
    expect(await limiter.cleanup()).toBe(0);
    recordFigure('11', 'cleanup: redis keys held after the window', 0, 'keys');
    await limiter.close();
  });
});

describe('ProductionIssue11_MemoryGrowth', () => {
  it('10,000 events over 100 users hold at most 100 keys, and none after cleanup', async () => {
    const timers = createFakeTimers(EPOCH_MS);
    const limiter = createMemoryLimiter({ limit: 20, windowMs: 60_000, clock: timers.now, timers });
    const before = settledHeap();
    const maxHeld = await trafficFrom100Users(
      limiter,
      (ms) => timers.setNow(timers.now() + ms),
      100,
    );
    const growth = settledHeap() - before;
    recordFigure('11', '10k events over 100 users: most keys held', maxHeld, 'keys');
    recordFigure('11', '10k events over 100 users: heap growth', toMb(growth), 'MB');
    expect(maxHeld).toBe(100);
    // An event list per user would hold all 10,000 timestamps; 100 counters fit in far under 2 MB.
    expect(growth).toBeLessThan(2 * MB);
    timers.setNow(timers.now() + 60_000);
    expect(await limiter.cleanup()).toBe(100);
    expect(await limiter.size()).toBe(0);
    await limiter.close();
  });

  it('1,000,000 events over 100,000 users: keys bounded, heap bounded, state per key independent of traffic', async () => {
    const users = 100_000;
    const timers = createFakeTimers(EPOCH_MS);
    const limiter = createMemoryLimiter({ limit: 20, windowMs: 60_000, clock: timers.now, timers });
    const send = async (rounds: number): Promise<void> => {
      for (let round = 0; round < rounds; round += 1) {
        for (let user = 0; user < users; user += 1) await limiter.consume(`user-${user}`);
        timers.setNow(timers.now() + 1);
      }
    };
    const base = settledHeap();
    await send(2);
    // Two events per user: every key stored and the Map at its working capacity (an update moves a
    // key to the end of the eviction order, which leaves holes the Map reclaims in place).
    const steady = settledHeap();
    const keysAtSteady = await limiter.size();
    await send(8); // 1,000,000 events in all
    const afterAll = settledHeap();
    const keysHeld = await limiter.size();
    const bytesPerKey = (steady - base) / keysAtSteady;
    const growthFromMoreEvents = afterAll - steady;

    recordFigure('11', '1M events over 100k users: keys held', keysHeld, 'keys');
    recordFigure('11', '1M events over 100k users: heap growth', toMb(afterAll - base), 'MB');
    recordFigure(
      '11',
      '1M events over 100k users: bytes per key',
      Math.round(bytesPerKey),
      'bytes',
    );
    recordFigure(
      '11',
      '1M events over 100k users: heap growth from the last 800k events',
      toMb(growthFromMoreEvents),
      'MB',
    );

    expect(keysAtSteady).toBe(users);
    expect(keysHeld).toBe(users);
    expect(keysHeld).toBeLessThanOrEqual(DEFAULT_MAX_KEYS);
    expect(bytesPerKey).toBeLessThan(512);
    expect(afterAll - base).toBeLessThan(64 * MB);
    // Finding 11: 8 more events per user must not grow the state. Event lists would add at least
    // 800,000 x 8 bytes (6.4 MB) here; counters add nothing but noise.
    expect(growthFromMoreEvents).toBeLessThan(2 * MB);

    timers.setNow(timers.now() + 60_000);
    expect(await limiter.cleanup()).toBe(users);
    const afterCleanup = settledHeap();
    recordFigure(
      '11',
      '1M events over 100k users: keys held after cleanup',
      await limiter.size(),
      'keys',
    );
    recordFigure(
      '11',
      '1M events over 100k users: heap growth after cleanup',
      toMb(afterCleanup - base),
      'MB',
    );
    expect(await limiter.size()).toBe(0);
    expect(afterCleanup - base).toBeLessThan(8 * MB);
    await limiter.close();
  }, 180_000);

  it('key flooding stops at maxKeys, whichever policy is chosen', async () => {
    const maxKeys = 10_000;
    for (const whenFull of ['evict-oldest', 'refuse'] as const) {
      const timers = createFakeTimers();
      const limiter = createMemoryLimiter({
        limit: 5,
        windowMs: 60_000,
        maxKeys,
        whenFull,
        clock: timers.now,
        timers,
      });
      let refused = 0;
      for (let i = 0; i < 100_000; i += 1) {
        if (!(await limiter.consume(`flood-${i}`)).allowed) refused += 1;
      }
      const held = await limiter.size();
      recordFigure('11', `key flood of 100k keys, ${whenFull}: keys held`, held, 'keys');
      expect(held).toBe(maxKeys);
      expect(refused).toBe(whenFull === 'refuse' ? 90_000 : 0);
      await limiter.close();
    }
  }, 60_000);
});
