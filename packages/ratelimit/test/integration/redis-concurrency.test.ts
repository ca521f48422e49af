import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { Redis } from 'ioredis';
import { freePort } from '@chatbox/testkit';
import { createRedisConcurrencyLimiter, isRateLimitError } from '@chatbox/ratelimit';
import type { AcquireResult, ConcurrencyLimiter } from '@chatbox/ratelimit';
import { concurrencyContract } from '../contract/concurrency-contract.js';
import { expectCode } from '../support/expect-code.js';
import { eventually, sleep, startRedisFixture } from '../support/redis.js';
import type { RedisFixture } from '../support/redis.js';

concurrencyContract('redis', async () => {
  const fixture = await startRedisFixture();
  const redis = fixture.client();
  let n = 0;
  return {
    create: (options) =>
      createRedisConcurrencyLimiter({
        ...options,
        redis,
        leaseMs: 10_000,
        prefix: fixture.prefix(`contract${++n}`),
      }),
    close: () => fixture.close(),
  };
});

function captureLogs(): { logger: Logger; messages: () => string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    logger: pino({ level: 'warn' }, sink),
    messages: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg),
  };
}

function releaseOf(result: AcquireResult): () => Promise<void> {
  if (!result.ok) throw new Error('expected a slot');
  return result.release;
}

describe('createRedisConcurrencyLimiter against a real Redis', () => {
  let fixture: RedisFixture;
  let redis: Redis;
  const limiters: ConcurrencyLimiter[] = [];
  const limiter = (
    options: Omit<Parameters<typeof createRedisConcurrencyLimiter>[0], 'redis'> & { redis?: Redis },
  ): ConcurrencyLimiter => {
    const created = createRedisConcurrencyLimiter({ redis, ...options });
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

  it("frees a crashed instance's slots once its leases lapse", async () => {
    const prefix = fixture.prefix('crash');
    const crashedClient = fixture.client();
    const logs = captureLogs();
    const crashed = limiter({
      redis: crashedClient,
      limit: 2,
      leaseMs: 300,
      renewIntervalMs: 100,
      prefix,
      logger: logs.logger,
      timeoutMs: 100,
    });
    const survivor = limiter({ limit: 2, leaseMs: 300, prefix });
    releaseOf(await crashed.acquire('user'));
    releaseOf(await crashed.acquire('user'));
    expect((await survivor.acquire('user')).ok).toBe(false);
    crashedClient.disconnect(); // the instance dies without releasing
    const started = Date.now();
    expect(await eventually(async () => (await survivor.active('user')) === 0, 3_000)).toBe(true);
    const freedAfterMs = Date.now() - started;
    expect(freedAfterMs).toBeLessThan(3_000);
    const slot = await survivor.acquire('user');
    expect(slot.ok).toBe(true);
    await releaseOf(slot)();
    await sleep(150);
    expect(logs.messages()).toContain('concurrency lease renewal failed; retrying');
    await crashed.close(); // its releases fail against the dead client, and close still resolves
    expect(logs.messages()).toContain('concurrency release failed; the lease will expire');
  });

  it('renews a held lease so a long generation keeps its slot', async () => {
    const prefix = fixture.prefix('renew');
    const holder = limiter({ limit: 1, leaseMs: 200, renewIntervalMs: 50, prefix });
    const other = limiter({ limit: 1, leaseMs: 200, prefix });
    const release = releaseOf(await holder.acquire('user'));
    await sleep(700);
    expect(await other.acquire('user')).toEqual({ ok: false, active: 1, limit: 1 });
    const pttl = await redis.pttl(`${prefix}user`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(200);
    await release();
    expect(await redis.exists(`${prefix}user`)).toBe(0);
    expect((await other.acquire('user')).ok).toBe(true);
  });

  it('stops renewing, and says so, when its lease has been taken away', async () => {
    const prefix = fixture.prefix('lost');
    const logs = captureLogs();
    const holder = limiter({
      limit: 1,
      leaseMs: 200,
      renewIntervalMs: 40,
      prefix,
      logger: logs.logger,
    });
    const release = releaseOf(await holder.acquire('user'));
    await redis.del(`${prefix}user`);
    expect(
      await eventually(
        async () =>
          logs
            .messages()
            .includes('concurrency lease expired before renewal; its slot may be reused'),
        2_000,
      ),
    ).toBe(true);
    await release();
  });

  it('close() gives back the leases it still holds', async () => {
    const prefix = fixture.prefix('close');
    const closing = createRedisConcurrencyLimiter({ redis, limit: 2, leaseMs: 60_000, prefix });
    releaseOf(await closing.acquire('user'));
    releaseOf(await closing.acquire('other'));
    await closing.close();
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it('an acquire that races close() gives its slot back and rejects', async () => {
    const prefix = fixture.prefix('race');
    const racing = createRedisConcurrencyLimiter({ redis, limit: 2, leaseMs: 60_000, prefix });
    const pending = racing.acquire('user');
    await racing.close();
    const error = await expectCode(pending, 'ERR_RATELIMIT_CLOSED');
    expect(isRateLimitError(error)).toBe(true);
    expect(await redis.exists(`${prefix}user`)).toBe(0);
  });

  it('rejects with a RateLimitError when Redis is unreachable', async () => {
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
      const unreachable = limiter({ redis: dead, limit: 1, leaseMs: 1_000 });
      await expectCode(unreachable.acquire('user'), 'ERR_RATELIMIT_BACKEND_UNAVAILABLE');
      await expectCode(unreachable.active('user'), 'ERR_RATELIMIT_BACKEND_UNAVAILABLE');
    } finally {
      dead.disconnect();
    }
  });

  it('uses the injected lease ids as sorted-set members', async () => {
    const prefix = fixture.prefix('ids');
    let n = 0;
    const ids = limiter({ limit: 2, leaseMs: 5_000, prefix, leaseId: () => `lease-${++n}` });
    const release = releaseOf(await ids.acquire('user'));
    expect(await redis.zrange(`${prefix}user`, 0, -1)).toEqual(['lease-1']);
    await release();
  });
});
