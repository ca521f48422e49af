import type { RouterContext } from './context.js';

/**
 * One heartbeat write on a streaming message. Resolves false when storage refused it (logged and
 * counted by `storeCall`); a message that is final already ignores it.
 */
export async function beat(
  ctx: RouterContext,
  sessionId: string,
  seq: number,
  atMs: number,
): Promise<boolean> {
  try {
    await ctx.storeCall('updateMessage', () =>
      ctx.options.store.updateMessage(sessionId, seq, { heartbeatAt: new Date(atMs) }),
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * Issue 11 / R5: while a reply streams, its stored heartbeat is refreshed at least every
 * `heartbeatIntervalMs` even when no token arrives (the stream writer stamps it only when it
 * flushes text), so another instance's sweeper can tell a live stream from one whose instance
 * died. One timer per generation, re-armed after each write so writes never overlap; `stop()`
 * clears it and waits for a write in flight, so nothing outlives the generation.
 */
export class StreamHeartbeat {
  readonly #ctx: RouterContext;
  readonly #sessionId: string;
  readonly #seq: number;
  #timer: unknown;
  #inFlight: Promise<void> | undefined;
  #stopped = false;

  constructor(ctx: RouterContext, sessionId: string, seq: number) {
    this.#ctx = ctx;
    this.#sessionId = sessionId;
    this.#seq = seq;
    this.#arm();
  }

  #arm(): void {
    const { timers, heartbeatIntervalMs, clock } = this.#ctx.options;
    this.#timer = timers.setTimeout(() => {
      this.#timer = undefined;
      this.#inFlight = beat(this.#ctx, this.#sessionId, this.#seq, clock()).then(() => {
        this.#inFlight = undefined;
        if (!this.#stopped) this.#arm();
      });
    }, heartbeatIntervalMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#ctx.options.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }
}
