import { LlmError } from './errors.js';
import type { LlmClock, LlmDeadlines, LlmTimers, TimerHandle } from './types.js';

// R7: every deadline is on by default; the worst case to a clear error is DEFAULT_TOTAL_TIMEOUT_MS.
export const DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 15_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 120_000;

export interface DeadlineOptions {
  firstTokenTimeoutMs?: number;
  idleTimeoutMs?: number;
  totalTimeoutMs?: number;
}

export function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved <= 0) {
    throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return resolved;
}

export function normaliseDeadlines(options: DeadlineOptions): LlmDeadlines {
  return Object.freeze({
    firstTokenMs: positiveInteger(
      'firstTokenTimeoutMs',
      options.firstTokenTimeoutMs,
      DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
    ),
    idleMs: positiveInteger('idleTimeoutMs', options.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS),
    totalMs: positiveInteger('totalTimeoutMs', options.totalTimeoutMs, DEFAULT_TOTAL_TIMEOUT_MS),
  });
}

type TimerKind = 'first-token' | 'idle' | 'deadline';
export type AbortCause = TimerKind | 'cancelled' | 'closed';

export interface CallGuardOptions {
  deadlines: LlmDeadlines;
  clock: LlmClock;
  timers: LlmTimers;
  callerSignal?: AbortSignal | undefined;
}

/**
 * Finding 08: one AbortController per call, fired by the caller's signal, the first-token, idle and
 * total deadlines, or the provider closing. Whatever fires first decides the error.
 */
export class CallGuard {
  readonly startedAt: number;
  readonly #controller = new AbortController();
  readonly #deadlines: LlmDeadlines;
  readonly #clock: LlmClock;
  readonly #timers: LlmTimers;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #onCallerAbort = (): void => this.abort('cancelled');
  #cause: AbortCause | undefined;
  readonly #pending = new Map<TimerKind, TimerHandle>();
  #textSeen = false;

  constructor(options: CallGuardOptions) {
    this.#deadlines = options.deadlines;
    this.#clock = options.clock;
    this.#timers = options.timers;
    this.#callerSignal = options.callerSignal;
    this.startedAt = this.#clock.now();
    if (this.#callerSignal?.aborted === true) {
      this.abort('cancelled');
      return;
    }
    this.#callerSignal?.addEventListener('abort', this.#onCallerAbort, { once: true });
    this.#arm('first-token', this.#deadlines.firstTokenMs);
    this.#arm('deadline', this.#deadlines.totalMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#cause !== undefined;
  }

  get cause(): AbortCause | undefined {
    return this.#cause;
  }

  /** True once text has reached the caller: a failure now loses a partial reply. */
  get partial(): boolean {
    return this.#textSeen;
  }

  /** Time left before the first-token deadline (0 once text has started or time is up). */
  firstTokenBudgetMs(): number {
    if (this.#textSeen) return 0;
    return Math.max(0, this.startedAt + this.#deadlines.firstTokenMs - this.#clock.now());
  }

  /** Call before waiting for the next upstream event: once text has started, the wait is bounded. */
  waiting(): void {
    if (!this.#textSeen || this.aborted) return;
    this.#clear('idle');
    this.#arm('idle', this.#deadlines.idleMs);
  }

  /** Call when an upstream event arrives; `text` marks the first token. */
  received(text: boolean): void {
    this.#clear('idle');
    if (text && !this.#textSeen) {
      this.#textSeen = true;
      this.#clear('first-token');
    }
  }

  abort(cause: AbortCause): void {
    if (this.#cause !== undefined) return;
    this.#cause = cause;
    this.dispose();
    this.#controller.abort(this.error());
  }

  /** Clears every timer and the caller listener; does not abort. Safe to call more than once. */
  dispose(): void {
    for (const kind of [...this.#pending.keys()]) this.#clear(kind);
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }

  /** The typed error for the abort cause; only meaningful once `aborted`. */
  error(): LlmError {
    const partial = this.#textSeen;
    const { firstTokenMs, idleMs, totalMs } = this.#deadlines;
    switch (this.#cause) {
      case 'first-token':
        return new LlmError(
          'ERR_LLM_FIRST_TOKEN_TIMEOUT',
          `no first token within ${firstTokenMs} ms`,
          { retryable: true, partial },
        );
      case 'idle':
        return new LlmError('ERR_LLM_IDLE_TIMEOUT', `model stream idle for ${idleMs} ms`, {
          retryable: true,
          partial,
        });
      case 'deadline':
        return new LlmError('ERR_LLM_DEADLINE', `LLM call exceeded its ${totalMs} ms deadline`, {
          retryable: true,
          partial,
        });
      case 'closed':
        return new LlmError('ERR_LLM_UNAVAILABLE', 'LLM provider closed', {
          retryable: true,
          partial,
        });
      case 'cancelled':
      case undefined:
        return new LlmError('ERR_LLM_CANCELLED', 'LLM call cancelled', { partial });
    }
  }

  #arm(kind: TimerKind, ms: number): void {
    this.#pending.set(
      kind,
      this.#timers.setTimeout(() => this.abort(kind), ms),
    );
  }

  #clear(kind: TimerKind): void {
    const handle = this.#pending.get(kind);
    if (handle === undefined) return;
    this.#pending.delete(kind);
    this.#timers.clearTimeout(handle);
  }
}
