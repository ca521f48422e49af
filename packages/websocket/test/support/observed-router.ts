import type { InboundFrame } from '@chatbox/message';
import type { Connection, MessageRouter } from '@chatbox/router';

export interface RouterObserver {
  /** Called synchronously just before the real `handle` (same tick, so the binding read is exact). */
  before?(conn: Connection, frame: InboundFrame): void;
  after?(done: Promise<void>): void;
}

/** The real router, with every `handle` reported; every other call delegates unchanged. */
export function observeRouter(real: MessageRouter, observer: RouterObserver): MessageRouter {
  return {
    attach: (conn) => real.attach(conn),
    detach: (conn) => real.detach(conn),
    sessionOf: (conn) => real.sessionOf(conn),
    endSession: (id, options) => real.endSession(id, options),
    drain: () => real.drain(),
    abortAll: () => real.abortAll(),
    idle: (ms) => real.idle(ms),
    stats: () => real.stats(),
    close: () => real.close(),
    handle(conn, frame) {
      observer.before?.(conn, frame);
      const done = real.handle(conn, frame);
      observer.after?.(done);
      return done;
    },
  };
}
