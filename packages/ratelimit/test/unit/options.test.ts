import { describe, expect, it } from '@jest/globals';
import {
  createMemoryConcurrencyLimiter,
  createMemoryLimiter,
  createRedisConcurrencyLimiter,
  createRedisLimiter,
  MAX_KEY_LENGTH,
} from '@chatbox/ratelimit';
import { createFakeRedis } from '../support/fake-redis.js';

function invalidOptions(create: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    create();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(TypeError);
  expect((thrown as { code?: unknown }).code).toBe('ERR_RATELIMIT_INVALID_OPTIONS');
  expect((thrown as Error).message).toMatch(message);
}

const memory = (extra: Record<string, unknown>) => () =>
  createMemoryLimiter({ limit: 5, windowMs: 1_000, ...extra });
const redis = (extra: Record<string, unknown>) => () =>
  createRedisLimiter({ redis: createFakeRedis().redis, limit: 5, windowMs: 1_000, ...extra });
const leases = (extra: Record<string, unknown>) => () =>
  createRedisConcurrencyLimiter({
    redis: createFakeRedis().redis,
    limit: 2,
    leaseMs: 3_000,
    ...extra,
  });

describe('option validation', () => {
  it('refuses a missing options object', () => {
    invalidOptions(() => createMemoryLimiter(undefined as never), /options must be an object/);
    invalidOptions(
      () => createMemoryConcurrencyLimiter(null as never),
      /options must be an object/,
    );
  });

  it('refuses limits and windows that are not positive integers in range', () => {
    invalidOptions(
      memory({ windowMs: -1 }),
      /windowMs must be an integer between 1 and 2147483647/,
    );
    invalidOptions(memory({ windowMs: 2 ** 31 }), /windowMs/);
    invalidOptions(memory({ windowMs: '1000' }), /windowMs/);
    invalidOptions(memory({ limit: Number.POSITIVE_INFINITY }), /limit/);
    // GCRA needs at least 1 µs per unit.
    invalidOptions(
      memory({ limit: 1_001, windowMs: 1 }),
      /limit must be an integer between 1 and 1000/,
    );
    invalidOptions(() => createMemoryConcurrencyLimiter({ limit: 1.5 }), /limit/);
  });

  it('refuses malformed memory-limiter options', () => {
    invalidOptions(memory({ clock: 5 }), /clock must be a function/);
    invalidOptions(memory({ cleanupIntervalMs: 0 }), /cleanupIntervalMs/);
    invalidOptions(memory({ maxKeys: 0 }), /maxKeys/);
    invalidOptions(
      memory({ whenFull: 'drop' }),
      /whenFull must be one of 'evict-oldest', 'refuse'/,
    );
    invalidOptions(
      memory({ timers: { setInterval: () => 1 } }),
      /timers.clearInterval must be a function/,
    );
    invalidOptions(memory({ timers: 'real' }), /timers must be an object/);
    invalidOptions(
      memory({ logger: { info: () => undefined } }),
      /logger.debug must be a function/,
    );
  });

  it('refuses malformed Redis options', () => {
    invalidOptions(
      () => createRedisLimiter({ limit: 1, windowMs: 1 } as never),
      /redis must be an object/,
    );
    invalidOptions(redis({ redis: { get: () => null } }), /redis must be an ioredis client/);
    invalidOptions(redis({ prefix: 7 }), /prefix must be a string/);
    invalidOptions(redis({ prefix: 'p'.repeat(129) }), /at most 128/);
    invalidOptions(redis({ timeoutMs: 0 }), /timeoutMs/);
    invalidOptions(leases({ leaseMs: 5 }), /leaseMs must be an integer between 10/);
    invalidOptions(
      leases({ renewIntervalMs: 3_000 }),
      /renewIntervalMs must be an integer between 1 and 2999/,
    );
    invalidOptions(leases({ leaseId: 'fixed' }), /leaseId must be a function/);
  });

  it('exposes the key length bound it enforces', () => {
    expect(MAX_KEY_LENGTH).toBe(512);
  });
});
