import type { LimiterTimers } from '@chatbox/ratelimit';

interface FakeTimer {
  readonly id: number;
  readonly ms: number;
  readonly repeat: boolean;
  readonly callback: () => void;
  due: number;
  unrefed: boolean;
}

export interface FakeTimers extends LimiterTimers {
  /** The fake clock, in ms. */
  now(): number;
  /** Moves the clock without running timers. */
  setNow(ms: number): void;
  /** Moves the clock, running every timer that falls due on the way, in order. */
  advance(ms: number): void;
  /** Pending intervals. */
  intervals(): { ms: number; unrefed: boolean }[];
  /** Pending one-shot timers. */
  timeouts(): number;
}

export function createFakeTimers(start = 0): FakeTimers {
  let clock = start;
  let nextId = 1;
  const pending = new Map<number, FakeTimer>();

  const add = (
    callback: () => void,
    ms: number,
    repeat: boolean,
  ): { unref(): void; id: number } => {
    const timer: FakeTimer = {
      id: nextId++,
      ms,
      repeat,
      callback,
      due: clock + ms,
      unrefed: false,
    };
    pending.set(timer.id, timer);
    return { id: timer.id, unref: () => void (timer.unrefed = true) };
  };
  const clear = (handle: unknown): void => {
    if (typeof handle === 'object' && handle !== null && 'id' in handle)
      pending.delete(handle.id as number);
  };

  return {
    setInterval: (callback, ms) => add(callback, ms, true),
    setTimeout: (callback, ms) => add(callback, ms, false),
    clearInterval: clear,
    clearTimeout: clear,
    now: () => clock,
    setNow: (ms) => {
      clock = ms;
    },
    advance: (ms) => {
      const end = clock + ms;
      for (;;) {
        const next = [...pending.values()]
          .filter((t) => t.due <= end)
          .sort((x, y) => x.due - y.due || x.id - y.id)[0];
        if (next === undefined) break;
        clock = next.due;
        if (next.repeat) next.due += next.ms;
        else pending.delete(next.id);
        next.callback();
      }
      clock = end;
    },
    intervals: () =>
      [...pending.values()].filter((t) => t.repeat).map((t) => ({ ms: t.ms, unrefed: t.unrefed })),
    timeouts: () => [...pending.values()].filter((t) => !t.repeat).length,
  };
}
