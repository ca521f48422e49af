/** The part of a net.Socket the coalescer needs. */
export interface Corkable {
  cork(): void;
  uncork(): void;
  readonly writableCorked: number;
}

/**
 * Batches the socket writes of one turn of the event loop. The first frame sent on a socket
 * corks it; everything else sent before the current callback and its microtasks have run (an
 * ack, the deltas and a done produced by one inbound frame) joins it, and one write (writev)
 * per socket leaves when they have. `bufferedAmount` counts corked bytes, so the send-buffer
 * bound (finding 14) sees them.
 */
export class WriteCoalescer {
  #held: Corkable[] = [];
  #scheduled = false;

  /** Corks `socket` until the current callback and the microtasks it queued have run. */
  hold(socket: Corkable): void {
    // Ours is the only cork that outlives a synchronous call (ws uncorks its own at once).
    if (socket.writableCorked > 0) return;
    socket.cork();
    this.#held.push(socket);
    if (this.#scheduled) return;
    this.#scheduled = true;
    // A tick queued from a microtask runs once the whole microtask queue has drained, so the
    // frames a promise chain sends after this one are still in the batch.
    queueMicrotask(this.#defer);
  }

  /** Writes out what `socket` holds now (before a terminate, say). */
  release(socket: Corkable): void {
    if (socket.writableCorked > 0) socket.uncork();
  }

  readonly #defer = (): void => {
    process.nextTick(this.#flush);
  };

  readonly #flush = (): void => {
    this.#scheduled = false;
    const held = this.#held;
    this.#held = [];
    for (const socket of held) socket.uncork();
  };
}
