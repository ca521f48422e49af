import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { RateLimitError } from './errors.js';
import {
  assertKey,
  functionOption,
  integerOption,
  loggerOption,
  optionalInteger,
  prefixOption,
  requireObject,
  timersOption,
  MAX_DURATION_MS,
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
import { systemTimers, unrefHandle } from './timers.js';
import type { AcquireResult, ConcurrencyLimiter, LimiterTimers } from './types.js';

export const DEFAULT_CONCURRENCY_PREFIX = 'chatbox:cc:';
export const MIN_LEASE_MS = 10;

export interface RedisConcurrencyLimiterOptions {
  /** The caller owns the client: the limiter never connects or quits it. */
  readonly redis: Redis;
  readonly limit: number;
  /** A lease not renewed for this long frees its slot (a crashed instance's slots free themselves). */
  readonly leaseMs: number;
  /** How often a held lease is renewed; default leaseMs / 3. Must be below leaseMs. */
  readonly renewIntervalMs?: number;
  readonly prefix?: string;
  readonly timeoutMs?: number;
  readonly timers?: LimiterTimers;
  readonly logger?: Logger;
  /** Lease ids; default crypto.randomUUID. */
  readonly leaseId?: () => string;
}

/** The key lives as long as its longest lease, so an abandoned set expires by itself. */
const LUA_EXPIRE_WITH_LAST_LEASE = `
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.ceil((tonumber(last[2]) - now) / 1000))
`;

/** A sorted set per key: member = lease id, score = lease expiry (µs, server time). */
const ACQUIRE_SCRIPT = defineScript(
  'acquire',
  `${LUA_NOW_US}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
local active = redis.call('ZCARD', KEYS[1])
if active >= tonumber(ARGV[1]) then return {0, active} end
redis.call('ZADD', KEYS[1], string.format('%.0f', now + tonumber(ARGV[2]) * 1000), ARGV[3])
${LUA_EXPIRE_WITH_LAST_LEASE}
return {1, active + 1}
`,
);

const RENEW_SCRIPT = defineScript(
  'renew',
  `${LUA_NOW_US}
local expiry = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[2]))
if not expiry or expiry <= now then
  redis.call('ZREM', KEYS[1], ARGV[2])
  return {0}
end
redis.call('ZADD', KEYS[1], 'XX', string.format('%.0f', now + tonumber(ARGV[1]) * 1000), ARGV[2])
${LUA_EXPIRE_WITH_LAST_LEASE}
return {1}
`,
);

const ACTIVE_SCRIPT = defineScript(
  'active',
  `${LUA_NOW_US}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
return {redis.call('ZCARD', KEYS[1])}
`,
);

interface Lease {
  readonly redisKey: string;
  readonly id: string;
  timer: unknown;
  renewing: boolean;
  released?: Promise<void>;
}

class RedisConcurrencyLimiter implements ConcurrencyLimiter {
  readonly #backend: RedisBackend;
  readonly #limit: number;
  readonly #leaseMs: number;
  readonly #renewIntervalMs: number;
  readonly #prefix: string;
  readonly #timers: LimiterTimers;
  readonly #logger: Logger;
  readonly #leaseId: () => string;
  readonly #held = new Set<Lease>();
  #closing: Promise<void> | undefined;

  constructor(options: RedisConcurrencyLimiterOptions) {
    const raw = requireObject(options, 'options');
    const redis = requireRedis(raw.redis);
    this.#limit = integerOption(raw.limit, 'limit', 1, 1_000_000);
    this.#leaseMs = integerOption(raw.leaseMs, 'leaseMs', MIN_LEASE_MS, MAX_DURATION_MS);
    const fallbackRenew = Math.max(1, Math.floor(this.#leaseMs / 3));
    this.#renewIntervalMs = optionalInteger(
      raw.renewIntervalMs,
      'renewIntervalMs',
      1,
      this.#leaseMs - 1,
      fallbackRenew,
    );
    this.#prefix = prefixOption(raw.prefix, DEFAULT_CONCURRENCY_PREFIX);
    this.#timers = timersOption(raw.timers, systemTimers);
    this.#logger = loggerOption(raw.logger).child({ component: 'ratelimit-concurrency' });
    this.#leaseId = functionOption<() => string>(raw.leaseId, 'leaseId', randomUUID);
    const timeoutMs = optionalInteger(
      raw.timeoutMs,
      'timeoutMs',
      1,
      60_000,
      DEFAULT_REDIS_TIMEOUT_MS,
    );
    this.#backend = createRedisBackend(redis, timeoutMs, this.#timers);
  }

  async acquire(key: string): Promise<AcquireResult> {
    this.#assertOpen();
    assertKey(key);
    const redisKey = this.#prefix + key;
    const id = this.#leaseId();
    const [ok, active] = await this.#backend.runScript(
      ACQUIRE_SCRIPT,
      [redisKey],
      [this.#limit, this.#leaseMs, id],
    );
    if (ok !== 1) return { ok: false, active: active ?? this.#limit, limit: this.#limit };
    const lease: Lease = { redisKey, id, timer: undefined, renewing: false };
    lease.timer = unrefHandle(
      this.#timers.setInterval(() => this.#renew(lease), this.#renewIntervalMs),
    );
    this.#held.add(lease);
    if (this.#closing !== undefined) {
      // Closed while the script ran: the slot goes straight back, the caller must not start work.
      await this.#release(lease);
      throw new RateLimitError('ERR_RATELIMIT_CLOSED', 'concurrency limiter is closed');
    }
    return { ok: true, release: () => this.#release(lease) };
  }

  async active(key: string): Promise<number> {
    this.#assertOpen();
    assertKey(key);
    const [active] = await this.#backend.runScript(ACTIVE_SCRIPT, [this.#prefix + key], []);
    return active ?? 0;
  }

  async size(): Promise<number> {
    this.#assertOpen();
    return await countKeys(this.#backend, this.#prefix);
  }

  /** Stops renewals and gives back every lease still held (best effort: unreleased leases expire). */
  close(): Promise<void> {
    this.#closing ??= Promise.all([...this.#held].map((lease) => this.#release(lease))).then(
      () => undefined,
    );
    return this.#closing;
  }

  #assertOpen(): void {
    if (this.#closing !== undefined)
      throw new RateLimitError('ERR_RATELIMIT_CLOSED', 'concurrency limiter is closed');
  }

  /** Idempotent and never rejects: a release that fails leaves a lease that expires by itself. */
  #release(lease: Lease): Promise<void> {
    lease.released ??= (async () => {
      this.#timers.clearInterval(lease.timer);
      this.#held.delete(lease);
      try {
        await this.#backend.command('zrem', () =>
          this.#backend.redis.zrem(lease.redisKey, lease.id),
        );
      } catch (error) {
        this.#logger.warn(
          { err: error, leaseMs: this.#leaseMs },
          'concurrency release failed; the lease will expire',
        );
      }
    })();
    return lease.released;
  }

  #renew(lease: Lease): void {
    if (lease.renewing || lease.released !== undefined) return;
    lease.renewing = true;
    this.#backend
      .runScript(RENEW_SCRIPT, [lease.redisKey], [this.#leaseMs, lease.id])
      .then(([kept]) => {
        if (kept !== 1 && lease.released === undefined) {
          this.#logger.warn('concurrency lease expired before renewal; its slot may be reused');
          this.#timers.clearInterval(lease.timer);
        }
      })
      .catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'concurrency lease renewal failed; retrying');
      })
      .finally(() => {
        lease.renewing = false;
      });
  }
}

export function createRedisConcurrencyLimiter(
  options: RedisConcurrencyLimiterOptions,
): ConcurrencyLimiter {
  return new RedisConcurrencyLimiter(options);
}
