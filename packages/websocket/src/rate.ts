const MINUTE_MS = 60_000;

/**
 * A token bucket sized for "at most `perMinute` in any minute, bursts up to `perMinute`": two
 * numbers per connection, whatever the client sends (no event lists, finding 11).
 */
export class MinuteBucket {
  readonly #capacity: number;
  readonly #clock: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(perMinute: number, clock: () => number) {
    this.#capacity = perMinute;
    this.#clock = clock;
    this.#tokens = perMinute;
    this.#updatedAt = clock();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** How long until one token is back (0 when one is available now). */
  retryAfterMs(): number {
    this.#refill();
    if (this.#tokens >= 1) return 0;
    return Math.ceil(((1 - this.#tokens) * MINUTE_MS) / this.#capacity);
  }

  #refill(): void {
    const now = this.#clock();
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#updatedAt = now;
    this.#tokens = Math.min(this.#capacity, this.#tokens + (elapsed * this.#capacity) / MINUTE_MS);
  }
}
