/**
 * Runs tasks one at a time per key. Entries exist only while a key has work queued, so memory is
 * O(keys with writes in flight), never O(keys ever seen).
 */
export interface KeyedSerializer {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Keys with a task queued or running. */
  readonly size: number;
}

export function createKeyedSerializer(onIdle?: (key: string) => void): KeyedSerializer {
  const tails = new Map<string, Promise<unknown>>();
  return {
    get size() {
      return tails.size;
    },
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) !== tail) return;
        tails.delete(key);
        onIdle?.(key);
      });
      return result;
    },
  };
}
