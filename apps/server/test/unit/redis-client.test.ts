import { describe, expect, it } from '@jest/globals';
import {
  REDIS_RETRY_BASE_MS,
  REDIS_RETRY_MAX_MS,
  redisRetryDelay,
  redisState,
} from '../../src/redis-client.js';

describe('redis client', () => {
  it('backs off exponentially with jitter, capped, and never gives up', () => {
    expect(redisRetryDelay(1, () => 1)).toBe(REDIS_RETRY_BASE_MS);
    expect(redisRetryDelay(2, () => 1)).toBe(2 * REDIS_RETRY_BASE_MS);
    expect(redisRetryDelay(1, () => 0)).toBe(Math.round(0.75 * REDIS_RETRY_BASE_MS));
    expect(redisRetryDelay(0, () => 1)).toBe(REDIS_RETRY_BASE_MS);
    for (const attempt of [10, 100, 10_000]) {
      expect(redisRetryDelay(attempt, () => 1)).toBe(REDIS_RETRY_MAX_MS);
      expect(redisRetryDelay(attempt)).toBeGreaterThanOrEqual(0.75 * REDIS_RETRY_MAX_MS);
    }
  });

  it('maps ioredis states to up, connecting and down', () => {
    expect(redisState({ status: 'ready' })).toBe('up');
    for (const status of ['wait', 'connecting', 'connect'] as const)
      expect(redisState({ status })).toBe('connecting');
    for (const status of ['reconnecting', 'close', 'end'] as const)
      expect(redisState({ status })).toBe('down');
  });
});
