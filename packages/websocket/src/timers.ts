/** Injectable timers; handles are opaque. The defaults unref() theirs so they never hold the process. */
export interface GatewayTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** setTimeout's largest delay; longer ones fire at once in Node, so they are re-armed. */
export const MAX_TIMER_MS = 2_147_483_647;

export const systemTimers: GatewayTimers = Object.freeze({
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (callback: () => void, ms: number) => setInterval(callback, ms).unref(),
  clearInterval: (handle: unknown) => clearInterval(handle as NodeJS.Timeout),
});
