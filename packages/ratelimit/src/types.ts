export interface RateLimitDecision {
  /** Whether the request may proceed; when true its cost has been consumed. */
  readonly allowed: boolean;
  /** Cost units that could still be consumed now, after this decision. */
  readonly remaining: number;
  /** 0 when allowed; otherwise how long until the same cost would be allowed. */
  readonly retryAfterMs: number;
  /** The configured `limit` (burst size, and units per `windowMs`). */
  readonly limit: number;
  /** How long until the key is back to a full budget of `limit`. */
  readonly resetMs: number;
}

export interface Limiter {
  /** Consumes `cost` (default 1) units of `key`'s budget if they are available. */
  consume(key: string, cost?: number): Promise<RateLimitDecision>;
  /** What `consume(key, 1)` would decide, without consuming anything. */
  peek(key: string): Promise<RateLimitDecision>;
  /** Forgets `key`: its next request starts with a full budget. */
  reset(key: string): Promise<void>;
  /** Removes every key whose budget is full again; resolves to the number removed. */
  cleanup(): Promise<number>;
  /** Number of keys currently held. */
  size(): Promise<number>;
  /** Idempotent; stops timers. Every later call but `close` rejects with ERR_RATELIMIT_CLOSED. */
  close(): Promise<void>;
}

export type AcquireResult =
  | { readonly ok: true; readonly release: () => Promise<void> }
  | { readonly ok: false; readonly active: number; readonly limit: number };

export interface ConcurrencyLimiter {
  /** Takes one of `key`'s `limit` slots; `release` is idempotent and never rejects. */
  acquire(key: string): Promise<AcquireResult>;
  /** Slots of `key` currently held. */
  active(key: string): Promise<number>;
  /** Keys with at least one slot held (a key is removed when its last slot is released). */
  size(): Promise<number>;
  /** Idempotent. Every later call but `close` and `release` rejects with ERR_RATELIMIT_CLOSED. */
  close(): Promise<void>;
}

/** Handles are opaque; a handle with an `unref()` method (Node's) is unref'd. */
export interface LimiterTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
