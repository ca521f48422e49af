export type LifecycleState = 'booting' | 'ready' | 'draining' | 'closed';

/**
 * The process's own state, which alone decides readiness (R12, finding 16): `booting` until the
 * store is connected and crash recovery has run, `ready`, then `draining` from the first moment of
 * shutdown, then `closed`. It only moves forward.
 */
export interface Lifecycle {
  readonly state: LifecycleState;
  /** When the state last changed, in ms since the epoch. */
  readonly since: number;
  markReady(): void;
  beginDrain(): void;
  markClosed(): void;
}

const ORDER: Readonly<Record<LifecycleState, number>> = {
  booting: 0,
  ready: 1,
  draining: 2,
  closed: 3,
};

class ProcessLifecycle implements Lifecycle {
  #state: LifecycleState = 'booting';
  #since: number;
  readonly #clock: () => number;

  constructor(clock: () => number) {
    this.#clock = clock;
    this.#since = clock();
  }

  get state(): LifecycleState {
    return this.#state;
  }

  get since(): number {
    return this.#since;
  }

  #advance(next: LifecycleState): void {
    if (ORDER[next] <= ORDER[this.#state]) return;
    this.#state = next;
    this.#since = this.#clock();
  }

  markReady(): void {
    this.#advance('ready');
  }

  beginDrain(): void {
    this.#advance('draining');
  }

  markClosed(): void {
    this.#advance('closed');
  }
}

export function createLifecycle(clock: () => number = Date.now): Lifecycle {
  return new ProcessLifecycle(clock);
}
