import type { Logger } from 'pino';
import { RateLimitError } from './errors.js';
import { describeDecision, gcraParams, isAllowed } from './gcra.js';
import type { GcraParams } from './gcra.js';
import {
  assertCost,
  assertKey,
  enumOption,
  functionOption,
  loggerOption,
  optionalInteger,
  rateOptions,
  requireObject,
  timersOption,
  MAX_DURATION_MS,
} from './options.js';
import { settle } from './settle.js';
import { systemTimers, unrefHandle } from './timers.js';
import type { Limiter, LimiterTimers, RateLimitDecision } from './types.js';

export const DEFAULT_CLEANUP_INTERVAL_MS = 30_000;
/** About 10 MB of state at ~100 bytes a key (see the package README for measured figures). */
export const DEFAULT_MAX_KEYS = 100_000;
export const MAX_KEYS_CEILING = 10_000_000;

/**
 * What a new key gets when `maxKeys` keys are held and none of them has expired:
 * - 'evict-oldest': the least recently updated key is forgotten (it restarts with a full budget);
 * - 'refuse': the new key is denied, with `retryAfterMs` an upper bound of when room frees.
 */
export type WhenFull = 'evict-oldest' | 'refuse';

export interface MemoryLimiterOptions {
  readonly limit: number;
  readonly windowMs: number;
  /** Milliseconds; default Date.now. */
  readonly clock?: () => number;
  /** Period of the unref()ed sweep that evicts idle keys; default DEFAULT_CLEANUP_INTERVAL_MS. */
  readonly cleanupIntervalMs?: number;
  /** Cap on keys held, against key flooding; default DEFAULT_MAX_KEYS. */
  readonly maxKeys?: number;
  readonly whenFull?: WhenFull;
  readonly timers?: LimiterTimers;
  readonly logger?: Logger;
}

class MemoryLimiter implements Limiter {
  readonly #params: GcraParams;
  readonly #clock: () => number;
  readonly #maxKeys: number;
  readonly #whenFull: WhenFull;
  readonly #timers: LimiterTimers;
  readonly #logger: Logger;
  readonly #sweepTimer: unknown;
  /** key -> TAT in µs. Map order is least recently updated first: the eviction order. */
  readonly #tat = new Map<string, number>();
  #closed = false;

  constructor(options: MemoryLimiterOptions) {
    const raw = requireObject(options, 'options');
    const { limit, windowMs } = rateOptions(raw);
    this.#params = gcraParams(limit, windowMs);
    this.#clock = functionOption<() => number>(raw.clock, 'clock', Date.now);
    const intervalMs = optionalInteger(
      raw.cleanupIntervalMs,
      'cleanupIntervalMs',
      1,
      MAX_DURATION_MS,
      DEFAULT_CLEANUP_INTERVAL_MS,
    );
    this.#maxKeys = optionalInteger(raw.maxKeys, 'maxKeys', 1, MAX_KEYS_CEILING, DEFAULT_MAX_KEYS);
    this.#whenFull = enumOption<WhenFull>(
      raw.whenFull,
      'whenFull',
      ['evict-oldest', 'refuse'],
      'evict-oldest',
    );
    this.#timers = timersOption(raw.timers, systemTimers);
    this.#logger = loggerOption(raw.logger).child({ component: 'ratelimit-memory' });
    // Finding 11: the old Cleanup() was never called; this sweep runs by itself.
    this.#sweepTimer = unrefHandle(this.#timers.setInterval(() => this.#sweep(), intervalMs));
  }

  consume(key: string, cost = 1): Promise<RateLimitDecision> {
    return settle(() => this.#decide(key, cost, true));
  }

  peek(key: string): Promise<RateLimitDecision> {
    return settle(() => this.#decide(key, 1, false));
  }

  reset(key: string): Promise<void> {
    return settle(() => {
      this.#assertOpen();
      assertKey(key);
      this.#tat.delete(key);
    });
  }

  cleanup(): Promise<number> {
    return settle(() => {
      this.#assertOpen();
      return this.#sweep();
    });
  }

  size(): Promise<number> {
    return settle(() => {
      this.#assertOpen();
      return this.#tat.size;
    });
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#timers.clearInterval(this.#sweepTimer);
      this.#tat.clear();
    }
    return Promise.resolve();
  }

  #assertOpen(): void {
    if (this.#closed) throw new RateLimitError('ERR_RATELIMIT_CLOSED', 'rate limiter is closed');
  }

  #now(): number {
    return Math.floor(this.#clock() * 1000);
  }

  #decide(key: string, cost: number, commit: boolean): RateLimitDecision {
    this.#assertOpen();
    assertKey(key);
    assertCost(cost, this.#params.limit);
    const now = this.#now();
    const stored = this.#tat.get(key);
    // Lazy eviction: an expired key is equivalent to an absent one.
    const tatRel = stored === undefined || stored <= now ? 0 : stored - now;
    const allowed = isAllowed(this.#params, tatRel, cost);
    if (!commit || !allowed) {
      if (stored !== undefined && stored <= now) this.#tat.delete(key);
      return describeDecision(this.#params, tatRel, cost, allowed, false);
    }
    if (stored === undefined) {
      const waitUs = this.#makeRoom(now);
      if (waitUs > 0) {
        return {
          allowed: false,
          remaining: 0,
          retryAfterMs: Math.ceil(waitUs / 1000),
          limit: this.#params.limit,
          resetMs: 0,
        };
      }
    } else {
      this.#tat.delete(key);
    }
    this.#tat.set(key, now + tatRel + this.#params.intervalUs * cost);
    return describeDecision(this.#params, tatRel, cost, true, true);
  }

  /** 0 when a new key may be stored; otherwise µs until the oldest key frees its place. */
  #makeRoom(now: number): number {
    if (this.#tat.size < this.#maxKeys) return 0;
    const oldest = this.#tat.entries().next();
    if (oldest.done === true) return 0;
    const [oldestKey, oldestTat] = oldest.value;
    if (oldestTat > now && this.#whenFull === 'refuse') return oldestTat - now;
    if (oldestTat > now)
      this.#logger.debug(
        { maxKeys: this.#maxKeys },
        'key cap reached: evicting the least recently updated key',
      );
    this.#tat.delete(oldestKey);
    return 0;
  }

  #sweep(): number {
    if (this.#closed) return 0;
    const now = this.#now();
    let removed = 0;
    for (const [key, tat] of this.#tat) {
      if (tat <= now) {
        this.#tat.delete(key);
        removed += 1;
      }
    }
    if (removed > 0)
      this.#logger.debug({ removed, held: this.#tat.size }, 'idle rate-limit keys evicted');
    return removed;
  }
}

export function createMemoryLimiter(options: MemoryLimiterOptions): Limiter {
  return new MemoryLimiter(options);
}
