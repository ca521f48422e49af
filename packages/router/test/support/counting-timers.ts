/**
 * Real (unref'd) timers that count the ones still pending. Node's getActiveResourcesInfo() does not
 * list unref'd timers, so this is how a test sees a timer that was never cleared.
 */
export interface CountingTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  readonly pending: number;
  readonly created: number;
}

export function countingTimers(): CountingTimers {
  const live = new Set<NodeJS.Timeout>();
  let created = 0;
  return {
    setTimeout(callback, ms) {
      created += 1;
      const handle = setTimeout(() => {
        live.delete(handle);
        callback();
      }, ms);
      handle.unref();
      live.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      live.delete(handle as NodeJS.Timeout);
      clearTimeout(handle as NodeJS.Timeout);
    },
    get pending() {
      return live.size;
    },
    get created() {
      return created;
    },
  };
}
