import { MAX_TIMER_MS, type GatewayTimers } from './timers.js';

export interface ExpiryQueueOptions<T> {
  clock: () => number;
  timers: GatewayTimers;
  /** Called once for an owner whose time has come (it has already left the queue). */
  onExpired: (owner: T) => void;
}

export interface ExpiryQueue<T> {
  /** Queues `owner` to expire at `at` (epoch ms, by `clock`); re-adding moves it. */
  add(owner: T, at: number): void;
  /** Idempotent; an empty queue holds no timer. */
  remove(owner: T): void;
  readonly size: number;
}

/**
 * Token expiry for every connection of a gateway: an indexed binary min-heap on the expiry time
 * and one timer, armed for the earliest entry. Per connection: a heap slot and a map entry, no
 * timer. Expiry is reported when the timer fires at or after `at` (no sweep granularity).
 */
export function createExpiryQueue<T>(options: ExpiryQueueOptions<T>): ExpiryQueue<T> {
  const { clock, timers, onExpired } = options;
  const owners: T[] = [];
  const times: number[] = [];
  const slot = new Map<T, number>();
  let timer: unknown;
  let timerAt = Infinity;

  const place = (i: number, owner: T, at: number): void => {
    owners[i] = owner;
    times[i] = at;
    slot.set(owner, i);
  };

  const siftUp = (start: number): void => {
    let i = start;
    const owner = owners[i] as T;
    const at = times[i] as number;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((times[parent] as number) <= at) break;
      place(i, owners[parent] as T, times[parent] as number);
      i = parent;
    }
    place(i, owner, at);
  };

  const siftDown = (start: number): void => {
    let i = start;
    const owner = owners[i] as T;
    const at = times[i] as number;
    const n = owners.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && (times[child + 1] as number) < (times[child] as number)) child += 1;
      if ((times[child] as number) >= at) break;
      place(i, owners[child] as T, times[child] as number);
      i = child;
    }
    place(i, owner, at);
  };

  const removeAt = (i: number): void => {
    const owner = owners[i] as T;
    slot.delete(owner);
    const lastOwner = owners.pop() as T;
    const lastAt = times.pop() as number;
    if (i === owners.length) return;
    place(i, lastOwner, lastAt);
    siftDown(i);
    siftUp(slot.get(lastOwner) as number);
  };

  const disarm = (): void => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    timerAt = Infinity;
  };

  const arm = (): void => {
    const next = times[0];
    if (next === undefined) {
      disarm();
      return;
    }
    if (timer !== undefined && timerAt <= next) return;
    disarm();
    timerAt = next;
    // Longer delays fire at once in Node: re-armed on the way instead of overflowed.
    const delay = Math.min(Math.max(1, next - clock()), MAX_TIMER_MS);
    timer = timers.setTimeout(fire, delay);
  };

  const fire = (): void => {
    timer = undefined;
    timerAt = Infinity;
    const now = clock();
    while (owners.length > 0 && (times[0] as number) <= now) {
      const owner = owners[0] as T;
      removeAt(0);
      onExpired(owner);
    }
    arm();
  };

  return {
    add(owner, at) {
      const existing = slot.get(owner);
      if (existing !== undefined) removeAt(existing);
      owners.push(owner);
      times.push(at);
      const i = owners.length - 1;
      slot.set(owner, i);
      siftUp(i);
      arm();
    },
    remove(owner) {
      const i = slot.get(owner);
      if (i === undefined) return;
      removeAt(i);
      // An earlier timer left armed fires, finds nothing due and re-arms; an empty queue holds none.
      if (owners.length === 0) disarm();
    },
    get size() {
      return owners.length;
    },
  };
}
