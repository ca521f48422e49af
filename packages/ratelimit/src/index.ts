export { RateLimitError, isRateLimitError } from './errors.js';
export type { RateLimitErrorCode, RateLimitTypeError, RateLimitTypeErrorCode } from './errors.js';
export type {
  AcquireResult,
  ConcurrencyLimiter,
  Limiter,
  LimiterTimers,
  RateLimitDecision,
} from './types.js';
export { MAX_KEY_LENGTH } from './options.js';
export {
  createMemoryLimiter,
  DEFAULT_CLEANUP_INTERVAL_MS,
  DEFAULT_MAX_KEYS,
} from './memory-limiter.js';
export type { MemoryLimiterOptions, WhenFull } from './memory-limiter.js';
export { createRedisLimiter, DEFAULT_RATELIMIT_PREFIX } from './redis-limiter.js';
export type { RedisLimiterOptions } from './redis-limiter.js';
export { DEFAULT_REDIS_TIMEOUT_MS } from './redis-backend.js';
export { createMemoryConcurrencyLimiter } from './memory-concurrency.js';
export type { MemoryConcurrencyLimiterOptions } from './memory-concurrency.js';
export { createRedisConcurrencyLimiter, DEFAULT_CONCURRENCY_PREFIX } from './redis-concurrency.js';
export type { RedisConcurrencyLimiterOptions } from './redis-concurrency.js';
