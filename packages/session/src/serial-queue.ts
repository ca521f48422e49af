import { SessionError } from './errors.js';

/**
 * One FIFO lane per key (finding 04): a task starts only after every earlier task of its key has
 * settled, whether it resolved or threw. A lane is deleted as soon as it is empty, so the queue
 * holds nothing for idle keys.
 */
export interface KeyedSerialQueue {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Tasks queued or running, for one key or for all. */
  pending(key?: string): number;
  /** Keys with at least one task queued or running. */
  lanes(): number;
}

interface Lane {
  tail: Promise<void>;
  pending: number;
}

const settle = (): void => undefined;

export function createKeyedSerialQueue(maxPendingPerKey: number): KeyedSerialQueue {
  const lanes = new Map<string, Lane>();
  let total = 0;

  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      let lane = lanes.get(key);
      if (lane === undefined) {
        lane = { tail: Promise.resolve(), pending: 0 };
        lanes.set(key, lane);
      }
      if (lane.pending >= maxPendingPerKey) {
        return Promise.reject(
          new SessionError(
            'ERR_SESSION_QUEUE_FULL',
            `more than ${maxPendingPerKey} operations queued on one session`,
          ),
        );
      }
      const current = lane;
      current.pending += 1;
      total += 1;
      const result = current.tail.then(task);
      current.tail = result.then(settle, settle).then(() => {
        current.pending -= 1;
        total -= 1;
        if (current.pending === 0 && lanes.get(key) === current) lanes.delete(key);
      });
      return result;
    },
    pending(key?: string): number {
      if (key === undefined) return total;
      return lanes.get(key)?.pending ?? 0;
    },
    lanes(): number {
      return lanes.size;
    },
  };
}
