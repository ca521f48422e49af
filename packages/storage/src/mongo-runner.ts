import { setMaxListeners } from 'node:events';
import type { NormalisedMongoOptions } from './mongo-options.js';
import { StorageError } from './errors.js';
import { withRetry } from './retry.js';
import { isPoolOverloadError } from './transient.js';
import type { StorageMetrics } from './store.js';

export type Attempt<T> = (attempt: number, signal: AbortSignal) => Promise<T>;

/** Error name, code and labels only: messages may quote document values. */
function describe(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { value: String(error) };
  const e = error as { name?: unknown; code?: unknown; errorLabels?: unknown };
  return { name: e.name, code: e.code, labels: e.errorLabels };
}

/**
 * Runs every database operation of a store under the retry policy (finding 09), logs and counts
 * each retry and each failure, and turns errors into StorageErrors.
 */
export class OperationRunner {
  readonly #options: NormalisedMongoOptions;
  readonly #closing = new AbortController();
  #retries = 0;
  #failures = 0;

  constructor(options: NormalisedMongoOptions) {
    this.#options = options;
    // Every operation in flight listens for close; their number is bounded by the callers'
    // concurrency, not a leak, so Node's default warning at 10 listeners does not apply.
    setMaxListeners(0, this.#closing.signal);
  }

  get metrics(): StorageMetrics {
    return { retries: this.#retries, failures: this.#failures };
  }

  get closed(): boolean {
    return this.#closing.signal.aborted;
  }

  /** Refuses new operations and ends the backoff waits of those in flight. */
  close(): void {
    this.#closing.abort(new StorageError('ERR_STORAGE_CLOSED', 'store is closed'));
  }

  async run<T>(op: string, attempt: Attempt<T>): Promise<T> {
    if (this.closed) throw new StorageError('ERR_STORAGE_CLOSED', 'store is closed');
    const { logger, onRetry } = this.#options;
    try {
      return await withRetry(attempt, {
        ...this.#options.retry,
        signal: this.#closing.signal,
        random: this.#options.random,
        timers: this.#options.timers,
        clock: () => performance.now(),
        onRetry: (info) => {
          this.#retries += 1;
          logger.warn(
            { op, attempt: info.attempt, delayMs: info.delayMs, err: describe(info.error) },
            'storage operation retried',
          );
          onRetry?.({ op, attempt: info.attempt, error: info.error });
        },
      });
    } catch (error) {
      throw this.#mapError(op, error);
    }
  }

  #mapError(op: string, error: unknown): StorageError {
    if (this.closed) {
      return new StorageError('ERR_STORAGE_CLOSED', `${op}: store closed`, { cause: error });
    }
    if (error instanceof StorageError && error.code !== 'ERR_STORAGE_UNAVAILABLE') return error;
    this.#failures += 1;
    this.#options.logger.error(
      { op, err: describe(error instanceof StorageError ? error.cause : error) },
      'storage operation failed',
    );
    if (error instanceof StorageError) return error;
    // Not retried (transient.ts), but the same call may succeed once the pool drains: retryable.
    if (isPoolOverloadError(error))
      return new StorageError('ERR_STORAGE_UNAVAILABLE', `${op}: connection pool exhausted`, {
        cause: error,
      });
    return new StorageError('ERR_STORAGE_FAILED', `${op} failed`, { cause: error });
  }
}
