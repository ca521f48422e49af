import { pino, type Logger } from 'pino';
import type { LlmClock, LlmTimers, TimerHandle } from './types.js';

export const systemClock: LlmClock = { now: () => Date.now() };

/** Real timers, unref'd so a pending deadline never keeps the process alive. */
export const systemTimers: LlmTimers = {
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
