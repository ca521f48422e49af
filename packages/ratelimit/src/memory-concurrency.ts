import { RateLimitError } from './errors.js';
import { assertKey, integerOption, requireObject } from './options.js';
import { settle } from './settle.js';
import type { AcquireResult, ConcurrencyLimiter } from './types.js';

export interface MemoryConcurrencyLimiterOptions {
  /** Slots per key (e.g. generations at once per user). */
  readonly limit: number;
}

class MemoryConcurrencyLimiter implements ConcurrencyLimiter {
  readonly #limit: number;
  /** Only keys with at least one slot held: a key is deleted at 0, so nothing leaks. */
  readonly #active = new Map<string, number>();
  #closed = false;

  constructor(options: MemoryConcurrencyLimiterOptions) {
    const raw = requireObject(options, 'options');
    this.#limit = integerOption(raw.limit, 'limit', 1, 1_000_000);
  }

  acquire(key: string): Promise<AcquireResult> {
    return settle((): AcquireResult => {
      this.#assertOpen();
      assertKey(key);
      const active = this.#active.get(key) ?? 0;
      if (active >= this.#limit) return { ok: false, active, limit: this.#limit };
      this.#active.set(key, active + 1);
      let released = false;
      const release = (): Promise<void> => {
        if (!released) {
          released = true;
          this.#releaseOne(key);
        }
        return Promise.resolve();
      };
      return { ok: true, release };
    });
  }

  active(key: string): Promise<number> {
    return settle(() => {
      this.#assertOpen();
      assertKey(key);
      return this.#active.get(key) ?? 0;
    });
  }

  size(): Promise<number> {
    return settle(() => {
      this.#assertOpen();
      return this.#active.size;
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new RateLimitError('ERR_RATELIMIT_CLOSED', 'concurrency limiter is closed');
  }

  #releaseOne(key: string): void {
    const active = this.#active.get(key);
    if (active === undefined) return;
    if (active <= 1) this.#active.delete(key);
    else this.#active.set(key, active - 1);
  }
}

export function createMemoryConcurrencyLimiter(
  options: MemoryConcurrencyLimiterOptions,
): ConcurrencyLimiter {
  return new MemoryConcurrencyLimiter(options);
}
