import { StorageError } from './errors.js';
import { isTransientError } from './transient.js';

export interface RetryOptions {
  /** Total attempts, the first included (>= 1). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Overall budget from the first attempt to the last outcome, backoff included. */
  readonly deadlineMs: number;
}

export interface RetryInfo {
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WithRetryOptions extends RetryOptions {
  readonly signal?: AbortSignal;
  readonly isTransient?: (error: unknown) => boolean;
  /** In [0, 1): full jitter draws each delay uniformly below the exponential cap. */
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly clock?: () => number;
  readonly timers?: Timers;
  /** Called before each backoff; `attempt` is the attempt that failed. */
  readonly onRetry?: (info: RetryInfo) => void;
}

export const DEFAULT_RETRY: RetryOptions = Object.freeze({
  attempts: 6,
  baseDelayMs: 50,
  maxDelayMs: 1_000,
  deadlineMs: 5_000,
});

export const realTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export function validateRetryOptions(options: RetryOptions): RetryOptions {
  const { attempts, baseDelayMs, maxDelayMs, deadlineMs } = options;
  if (!Number.isSafeInteger(attempts) || attempts < 1)
    throw new TypeError('retry.attempts must be an integer >= 1');
  if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0)
    throw new TypeError('retry.baseDelayMs must be a number >= 0');
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < baseDelayMs)
    throw new TypeError('retry.maxDelayMs must be >= baseDelayMs');
  if (!Number.isFinite(deadlineMs) || deadlineMs <= 0)
    throw new TypeError('retry.deadlineMs must be a number > 0');
  return { attempts, baseDelayMs, maxDelayMs, deadlineMs };
}

/** Full jitter (AWS architecture blog): uniform in [0, min(max, base * 2^(attempt-1))). */
export function backoffDelayMs(
  attempt: number,
  options: RetryOptions,
  random: () => number,
): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

function abortError(signal: AbortSignal): StorageError {
  return new StorageError('ERR_STORAGE_ABORTED', 'operation aborted', { cause: signal.reason });
}

function timerSleep(timers: Timers): (ms: number, signal?: AbortSignal) => Promise<void> {
  return (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) return reject(abortError(signal));
      const onAbort = (): void => {
        timers.clearTimeout(handle);
        reject(abortError(signal as AbortSignal));
      };
      const handle = timers.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}

class DeadlineExceeded extends Error {}

/**
 * Runs one attempt, bounded by what is left of the deadline. Finding 09: a write whose reply never
 * comes cannot be cancelled on the wire, so it is abandoned here and the caller's idempotent key
 * makes a later landing of it harmless.
 */
function attemptWithin<T>(
  run: (signal: AbortSignal) => Promise<T>,
  remainingMs: number,
  timers: Timers,
  outer: AbortSignal | undefined,
): Promise<T> {
  const controller = new AbortController();
  let handle: unknown;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    handle = timers.setTimeout(() => {
      const error = new DeadlineExceeded('deadline exceeded');
      controller.abort(error);
      reject(error);
    }, remainingMs);
    if (outer !== undefined) {
      onAbort = () => {
        controller.abort(outer.reason);
        reject(abortError(outer));
      };
      outer.addEventListener('abort', onAbort, { once: true });
    }
  });
  // then(): a synchronous throw in `run` becomes a rejection like any other.
  const attempt = Promise.resolve().then(() => run(controller.signal));
  return Promise.race([attempt, guard]).finally(() => {
    timers.clearTimeout(handle);
    if (onAbort !== undefined) outer?.removeEventListener('abort', onAbort);
  });
}

function unavailable(message: string, cause: unknown): StorageError {
  return new StorageError('ERR_STORAGE_UNAVAILABLE', message, { cause });
}

/**
 * Finding 09: transient failures are retried with exponential backoff and full jitter, bounded by
 * `attempts` and by `deadlineMs` overall; anything else is rethrown at once, unchanged.
 */
export async function withRetry<T>(
  op: (attempt: number, signal: AbortSignal) => Promise<T>,
  options: WithRetryOptions,
): Promise<T> {
  const policy = validateRetryOptions(options);
  const isTransient = options.isTransient ?? isTransientError;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? Date.now;
  const timers = options.timers ?? realTimers;
  const sleep = options.sleep ?? timerSleep(timers);
  const { signal } = options;
  const deadline = clock() + policy.deadlineMs;
  let lastError: unknown;
  for (let attempt = 1; ; attempt += 1) {
    if (signal?.aborted === true) throw abortError(signal);
    const remainingMs = deadline - clock();
    if (remainingMs <= 0)
      throw unavailable(
        `deadline of ${policy.deadlineMs} ms exceeded after ${attempt - 1} attempts`,
        lastError,
      );
    try {
      return await attemptWithin((s) => op(attempt, s), remainingMs, timers, signal);
    } catch (error) {
      if (error instanceof DeadlineExceeded) {
        throw unavailable(
          `deadline of ${policy.deadlineMs} ms exceeded during attempt ${attempt}`,
          lastError ?? error,
        );
      }
      if (error instanceof StorageError && error.code === 'ERR_STORAGE_ABORTED') throw error;
      if (!isTransient(error)) throw error;
      lastError = error;
    }
    if (attempt >= policy.attempts)
      throw unavailable(`gave up after ${attempt} attempts`, lastError);
    const delayMs = backoffDelayMs(attempt, policy, random);
    if (clock() + delayMs >= deadline) {
      throw unavailable(
        `deadline of ${policy.deadlineMs} ms would pass before attempt ${attempt + 1}`,
        lastError,
      );
    }
    options.onRetry?.({ attempt, delayMs, error: lastError });
    await sleep(delayMs, signal);
  }
}
