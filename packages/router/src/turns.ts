import type { DeltaCoalescer } from './coalescer.js';
import type { RouterTimers } from './types.js';
import type { AbortReason } from './wire-errors.js';

/**
 * One user message and its reply, from the moment a `send` passed its checks until the reply is
 * stored. Finding 08: the AbortController is the one signal the model call listens to.
 */
export class Turn {
  readonly sessionId: string;
  readonly userId: string;
  readonly clientMessageId: string;
  readonly correlationId: string;
  readonly #controller = new AbortController();
  #reason: AbortReason | undefined;
  /** The assistant message's seq once it is stored `streaming`. */
  assistantSeq: number | undefined;
  /** Text received so far: replayed to a resuming client ahead of storage's flushes. */
  text = '';
  /** The reply's delta frames not sent yet (frame coalescing), while it streams. */
  deltas: DeltaCoalescer | undefined;
  readonly settled: Promise<void>;
  readonly #settle: () => void;

  constructor(sessionId: string, userId: string, clientMessageId: string, correlationId: string) {
    this.sessionId = sessionId;
    this.userId = userId;
    this.clientMessageId = clientMessageId;
    this.correlationId = correlationId;
    let settle!: () => void;
    this.settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.#settle = settle;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get reason(): AbortReason | undefined {
    return this.#reason;
  }

  /** The first reason wins: a cancel followed by a disconnect stays `cancelled`. */
  abort(reason: AbortReason): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller.abort();
  }

  /** Sends the text held back by frame coalescing now (before the session's connection changes). */
  flushDeltas(): void {
    this.deltas?.flush();
  }

  settle(): void {
    this.#settle();
  }
}

/** At most one turn per session; `idle()` waits for the table to empty. */
export class TurnTable {
  readonly #turns = new Map<string, Turn>();
  readonly #waiters = new Set<() => void>();
  readonly #timers: RouterTimers;

  constructor(timers: RouterTimers) {
    this.#timers = timers;
  }

  get size(): number {
    return this.#turns.size;
  }

  get(sessionId: string): Turn | undefined {
    return this.#turns.get(sessionId);
  }

  all(): Turn[] {
    return [...this.#turns.values()];
  }

  /** Synchronous, so two sends racing for one session cannot both get a turn. */
  reserve(
    sessionId: string,
    userId: string,
    clientMessageId: string,
    correlationId: string,
  ): Turn | undefined {
    if (this.#turns.has(sessionId)) return undefined;
    const turn = new Turn(sessionId, userId, clientMessageId, correlationId);
    this.#turns.set(sessionId, turn);
    return turn;
  }

  /** Frees the session, runs `announce` (the `done` frame: the client may send again at once), settles. */
  release(turn: Turn, announce?: () => void): void {
    if (this.#turns.get(turn.sessionId) === turn) this.#turns.delete(turn.sessionId);
    announce?.();
    turn.settle();
    if (this.#turns.size > 0) return;
    for (const wake of [...this.#waiters]) wake();
  }

  whenEmpty(timeoutMs: number): Promise<boolean> {
    if (this.#turns.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        this.#waiters.delete(onEmpty);
        this.#timers.clearTimeout(timer);
        resolve(value);
      };
      const onEmpty = (): void => done(true);
      const timer = this.#timers.setTimeout(() => done(false), Math.max(0, timeoutMs));
      this.#waiters.add(onEmpty);
    });
  }
}
