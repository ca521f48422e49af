import type { LimiterTimers } from './types.js';

export const systemTimers: LimiterTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Background timers never keep the process alive. */
export function unrefHandle(handle: unknown): unknown {
  if (
    typeof handle === 'object' &&
    handle !== null &&
    'unref' in handle &&
    typeof handle.unref === 'function'
  ) {
    (handle as { unref(): unknown }).unref();
  }
  return handle;
}
