import type { GatewayTimers } from '../../src/index.js';

/** Manual timers: `advance(ms)` fires what is due, in order. */
export function manualTimers(): GatewayTimers & {
  advance(ms: number): void;
  now(): number;
  pending(): number;
} {
  let now = 0;
  let next = 1;
  const tasks = new Map<number, { at: number; run: () => void; every?: number }>();
  return {
    setTimeout: (run, ms) => {
      tasks.set(next, { at: now + ms, run });
      return next++;
    },
    setInterval: (run, ms) => {
      tasks.set(next, { at: now + ms, run, every: ms });
      return next++;
    },
    clearTimeout: (handle) => void tasks.delete(handle as number),
    clearInterval: (handle) => void tasks.delete(handle as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...tasks.entries()]
          .filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        const [id, task] = due;
        now = task.at;
        if (task.every === undefined) tasks.delete(id);
        else task.at += task.every;
        task.run();
      }
      now = end;
    },
    now: () => now,
    pending: () => tasks.size,
  };
}
