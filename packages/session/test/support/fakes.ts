import type { SweepTimers } from '../../src/index.js';

export interface FakeClock {
  readonly now: () => number;
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2025, 0, 1)): FakeClock {
  let now = start;
  return {
    now: () => now,
    advance(ms: number): void {
      now += ms;
    },
  };
}

export interface FakeHandle {
  readonly callback: () => void;
  readonly ms: number;
  unrefCalls: number;
  unref(): void;
}

export interface FakeTimers {
  readonly timers: SweepTimers;
  readonly handles: Set<FakeHandle>;
  /** Runs every registered interval callback once. */
  fire(): void;
}

export function fakeTimers(): FakeTimers {
  const handles = new Set<FakeHandle>();
  return {
    handles,
    timers: {
      setInterval(callback: () => void, ms: number): FakeHandle {
        const handle: FakeHandle = {
          callback,
          ms,
          unrefCalls: 0,
          unref(): void {
            handle.unrefCalls += 1;
          },
        };
        handles.add(handle);
        return handle;
      },
      clearInterval(handle: unknown): void {
        handles.delete(handle as FakeHandle);
      },
    },
    fire(): void {
      for (const handle of handles) handle.callback();
    },
  };
}

/** Sequential ids, so tests can predict them. */
export function sequentialIds(prefix = 'session'): () => string {
  let next = 0;
  return () => {
    next += 1;
    return `${prefix}-${String(next)}`;
  };
}
