import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { freePort } from '@chatbox/testkit';
import { createRedisLimiter } from '@chatbox/ratelimit';
import type { Limiter } from '@chatbox/ratelimit';
import { limiterContract } from '../contract/limiter-contract.js';
import { expectCode } from '../support/expect-code.js';
import { sleep, startRedisFixture } from '../support/redis.js';
import type { RedisFixture } from '../support/redis.js';

limiterContract('redis, real time', async () => {
  const fixture = await startRedisFixture();
  const redis = fixture.client();
  let n = 0;
  return {
    create: (options) =>
      createRedisLimiter({ ...options, redis, prefix: fixture.prefix(`contract${++n}`) }),
    advance: sleep,
    slackMs: 150,
    close: () => fixture.close(),
  };
});

describe('createRedisLimiter against a real Redis', () => {
  let fixture: RedisFixture;
  let redis: Redis;
  const limiters: Limiter[] = [];
  const limiter = (
    options: Omit<Parameters<typeof createRedisLimiter>[0], 'redis'> & { redis?: Redis },
  ): Limiter => {
    const created = createRedisLimiter({ redis, ...options });
    limiters.push(created);
    return created;
  };

  beforeAll(async () => {
    fixture = await startRedisFixture();
    redis = fixture.client();
  });
  afterAll(async () => {
    await Promise.all(limiters.map((l) => l.close()));
    await fixture.close();
  });

  it('is atomic across instances: two clients racing share one budget', async () => {
    const prefix = fixture.prefix('atomic');
    const a = limiter({ redis: fixture.client(), limit: 10, windowMs: 60_000, prefix });
    const b = limiter({ redis: fixture.client(), limit: 10, windowMs: 60_000, prefix });
    const decisions = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).consume('shared')),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect((await a.peek('shared')).remaining).toBe(0);
  });

  it('stores one small string per key, with a TTL no longer than the window', async () => {
    const prefix = fixture.prefix('ttl');
    const rl = limiter({ limit: 5, windowMs: 10_000, prefix });
    for (let i = 0; i < 50; i += 1) await rl.consume('user');
    expect(await redis.type(`${prefix}user`)).toBe('string');
    const pttl = await redis.pttl(`${prefix}user`);
    expect(pttl).toBeGreaterThan(9_000);
    expect(pttl).toBeLessThanOrEqual(10_000);
    expect(await redis.dbsize()).toBeGreaterThan(0);
    expect(await rl.size()).toBe(1);
  });

  it('idle keys expire by themselves, without cleanup()', async () => {
    const prefix = fixture.prefix('expire');
    const rl = limiter({ limit: 2, windowMs: 200, prefix });
    for (let i = 0; i < 20; i += 1) await rl.consume(`u${i}`);
    expect(await rl.size()).toBe(20);
    await sleep(350);
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it('reloads its script after SCRIPT FLUSH (NOSCRIPT fallback)', async () => {
    const rl = limiter({ limit: 3, windowMs: 60_000, prefix: fixture.prefix('flush') });
    expect((await rl.consume('k')).remaining).toBe(2);
    await redis.script('FLUSH');
    expect((await rl.consume('k')).remaining).toBe(1);
    expect((await rl.peek('k')).remaining).toBe(1);
  });

  it('size() honours the client keyPrefix and a prefix with glob characters', async () => {
    const prefix = fixture.prefix('glob*[x]');
    const prefixed = fixture.client({ keyPrefix: 'app:' });
    const rl = limiter({ redis: prefixed, limit: 3, windowMs: 60_000, prefix });
    const lookalike = limiter({
      redis: prefixed,
      limit: 3,
      windowMs: 60_000,
      prefix: fixture.prefix('globZ[x]'),
    });
    await rl.consume('a');
    await rl.consume('b');
    await lookalike.consume('c');
    expect(await rl.size()).toBe(2);
    expect(await redis.exists(`app:${prefix}a`)).toBe(1);
    await redis.del(`app:${prefix}a`, `app:${prefix}b`);
  });

  it('rejects with ERR_RATELIMIT_BACKEND_UNAVAILABLE when Redis refuses connections', async () => {
    const port = await freePort();
    // disconnectTimeout: ioredis arms a 2 s timer on disconnect() that a never-opened socket never clears.
    const dead = new Redis({
      host: '127.0.0.1',
      port,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      lazyConnect: true,
      disconnectTimeout: 10,
    });
    try {
      const rl = limiter({ redis: dead, limit: 1, windowMs: 1_000 });
      const error = await expectCode(rl.consume('k'), 'ERR_RATELIMIT_BACKEND_UNAVAILABLE');
      expect(error.cause).toBeInstanceOf(Error);
      await expectCode(rl.size(), 'ERR_RATELIMIT_BACKEND_UNAVAILABLE');
      await expectCode(rl.reset('k'), 'ERR_RATELIMIT_BACKEND_UNAVAILABLE');
    } finally {
      dead.disconnect();
    }
  });

  it('rejects with ERR_RATELIMIT_BACKEND_TIMEOUT within timeoutMs when Redis does not answer', async () => {
    const port = await freePort();
    const stalled = new Redis({
      host: '127.0.0.1',
      port,
      retryStrategy: () => 50,
      maxRetriesPerRequest: null,
      disconnectTimeout: 10,
    });
    stalled.on('error', () => undefined);
    try {
      const rl = limiter({ redis: stalled, limit: 1, windowMs: 1_000, timeoutMs: 150 });
      const started = Date.now();
      await expectCode(rl.consume('k'), 'ERR_RATELIMIT_BACKEND_TIMEOUT');
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(140);
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      stalled.disconnect();
    }
  });
});
