import { createDeltaSerializer } from '@chatbox/message';
import type { DeltaSerializer } from '@chatbox/message';
import type { RouterContext } from './context.js';

/**
 * Frame coalescing of one reply (issue 10: one socket write per token was most of the streaming
 * CPU). The first chunk is sent at once, so the time to first token does not grow; later chunks
 * wait in one buffer and leave as ONE delta frame `coalesceMs` after the first of them, or as soon
 * as the buffer holds `coalesceMaxChars`. The frame's offset is the reply's length before its
 * text, so offsets stay exact for resume and follow. `flush()` runs before every frame that must
 * come after the text (done, error), before the session's connection changes (resume,
 * replacement, release, end) and when the stream ends for any reason (`stop()`). At most one
 * timer per reply, cleared by `flush()` and `stop()`.
 */
export class DeltaCoalescer {
  readonly #ctx: RouterContext;
  readonly #sessionId: string;
  readonly #seq: number;
  #serialize: DeltaSerializer | undefined;
  #sentAny = false;
  #pending = '';
  #pendingOffset = 0;
  #timer: unknown;
  #stopped = false;

  constructor(ctx: RouterContext, sessionId: string, seq: number) {
    this.#ctx = ctx;
    this.#sessionId = sessionId;
    this.#seq = seq;
  }

  /** True while a flush timer is armed (tests: no timer outlives the reply). */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** `offset` is the reply's length before `text`. */
  push(offset: number, text: string): void {
    const { coalesceMs, coalesceMaxChars, timers } = this.#ctx.options;
    // After stop() the buffer is empty and stays so: a late chunk is sent at once.
    if (this.#pending.length === 0) {
      if (!this.#sentAny || coalesceMs === 0 || this.#stopped) {
        this.#sentAny = true;
        this.#send(offset, text);
        return;
      }
      this.#pendingOffset = offset;
    }
    this.#pending += text;
    if (this.#pending.length >= coalesceMaxChars) {
      this.flush();
      return;
    }
    this.#timer ??= timers.setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, coalesceMs);
  }

  /** Sends the buffered text now, as one frame, to the connection bound at this moment. */
  flush(): void {
    if (this.#timer !== undefined) {
      this.#ctx.options.timers.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending.length === 0) return;
    const text = this.#pending;
    this.#pending = '';
    this.#send(this.#pendingOffset, text);
  }

  /** The stream ended (complete, failed, aborted): flush, and take no more text. */
  stop(): void {
    this.flush();
    this.#stopped = true;
  }

  #send(offset: number, text: string): void {
    const conn = this.#ctx.registry.connectionOf(this.#sessionId);
    this.#ctx.send(conn, () => {
      this.#serialize ??= createDeltaSerializer(this.#sessionId, this.#seq);
      return this.#serialize(offset, text);
    });
  }
}
