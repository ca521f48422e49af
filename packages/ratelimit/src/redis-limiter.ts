import type { Redis } from 'ioredis';
import { RateLimitError } from './errors.js';
import { describeDecision, gcraParams } from './gcra.js';
import type { GcraParams } from './gcra.js';
import {
  assertCost,
  assertKey,
  optionalInteger,
  prefixOption,
  rateOptions,
  requireObject,
  timersOption,
} from './options.js';
import {
  countKeys,
  createRedisBackend,
  defineScript,
  DEFAULT_REDIS_TIMEOUT_MS,
  LUA_NOW_US,
  requireRedis,
} from './redis-backend.js';
import type { RedisBackend } from './redis-backend.js';
import { settle } from './settle.js';
import { systemTimers } from './timers.js';
import type { Limiter, LimiterTimers, RateLimitDecision } from './types.js';

export const DEFAULT_RATELIMIT_PREFIX = 'chatbox:rl:';

export interface RedisLimiterOptions {
  /** The caller owns the client: the limiter never connects or quits it. */
  readonly redis: Redis;
  readonly limit: number;
  readonly windowMs: number;
  /** Key prefix; default DEFAULT_RATELIMIT_PREFIX. */
  readonly prefix?: string;
  /** Bound on each Redis round trip; default DEFAULT_REDIS_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  readonly timers?: LimiterTimers;
}

/**
 * The same GCRA as gcra.ts, atomic in one script. The key holds the TAT (µs, server time) and
 * expires (PX) exactly when its budget is full again, so Redis evicts idle keys by itself.
 * ARGV: intervalUs, burstUs, cost, commit (1 consume, 0 peek). Reply: {allowed, max(TAT - now, 0)}.
 */
const GCRA_SCRIPT = defineScript(
  'gcra',
  `${LUA_NOW_US}
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local stored = tonumber(redis.call('GET', KEYS[1]))
local rel = 0
if stored and stored > now then rel = stored - now end
local requested = rel + interval * cost
local allowed = requested <= burst
if allowed and ARGV[4] == '1' then
  redis.call('SET', KEYS[1], string.format('%.0f', now + requested), 'PX', math.ceil(requested / 1000))
end
if allowed then return {1, rel} end
return {0, rel}
`,
);

class RedisLimiter implements Limiter {
  readonly #backend: RedisBackend;
  readonly #params: GcraParams;
  readonly #prefix: string;
  #closed = false;

  constructor(options: RedisLimiterOptions) {
    const raw = requireObject(options, 'options');
    const redis = requireRedis(raw.redis);
    const { limit, windowMs } = rateOptions(raw);
    this.#params = gcraParams(limit, windowMs);
    this.#prefix = prefixOption(raw.prefix, DEFAULT_RATELIMIT_PREFIX);
    const timeoutMs = optionalInteger(
      raw.timeoutMs,
      'timeoutMs',
      1,
      60_000,
      DEFAULT_REDIS_TIMEOUT_MS,
    );
    this.#backend = createRedisBackend(redis, timeoutMs, timersOption(raw.timers, systemTimers));
  }

  consume(key: string, cost = 1): Promise<RateLimitDecision> {
    return this.#decide(key, cost, true);
  }

  peek(key: string): Promise<RateLimitDecision> {
    return this.#decide(key, 1, false);
  }

  async reset(key: string): Promise<void> {
    this.#assertOpen();
    assertKey(key);
    const redisKey = this.#prefix + key;
    await this.#backend.command('del', () => this.#backend.redis.del(redisKey));
  }

  /** Redis expires idle keys itself (PX), so there is never anything left to remove. */
  cleanup(): Promise<number> {
    return settle(() => {
      this.#assertOpen();
      return 0;
    });
  }

  async size(): Promise<number> {
    this.#assertOpen();
    return await countKeys(this.#backend, this.#prefix);
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #assertOpen(): void {
    if (this.#closed) throw new RateLimitError('ERR_RATELIMIT_CLOSED', 'rate limiter is closed');
  }

  async #decide(key: string, cost: number, commit: boolean): Promise<RateLimitDecision> {
    this.#assertOpen();
    assertKey(key);
    assertCost(cost, this.#params.limit);
    const { intervalUs, burstUs } = this.#params;
    const [allowed, tatRel] = await this.#backend.runScript(
      GCRA_SCRIPT,
      [this.#prefix + key],
      [intervalUs, burstUs, cost, commit ? 1 : 0],
    );
    if (tatRel === undefined) {
      throw new RateLimitError(
        'ERR_RATELIMIT_BACKEND_UNAVAILABLE',
        'redis gcra returned an unexpected reply',
      );
    }
    return describeDecision(this.#params, tatRel, cost, allowed === 1, commit);
  }
}

export function createRedisLimiter(options: RedisLimiterOptions): Limiter {
  return new RedisLimiter(options);
}
