import type { InboundFrame } from '@chatbox/message';
import type { Connection, MessageRouter } from '@chatbox/router';

export interface HandledFrame {
  readonly conn: Connection;
  readonly frame: InboundFrame;
}

/** A MessageRouter that records what the gateway hands it; behaviour is overridable per test. */
export interface StubRouter extends MessageRouter {
  readonly attached: Connection[];
  readonly detached: Connection[];
  readonly handled: HandledFrame[];
  drained: boolean;
  abortCalls: number;
  onHandle: (conn: Connection, frame: InboundFrame) => Promise<void>;
  idleResult: (timeoutMs: number) => Promise<boolean>;
  abortResult: () => Promise<void>;
  waitForHandled(count: number, timeoutMs?: number): Promise<void>;
  waitForDetached(count: number, timeoutMs?: number): Promise<void>;
}

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function createStubRouter(): StubRouter {
  const router: StubRouter = {
    attached: [],
    detached: [],
    handled: [],
    drained: false,
    abortCalls: 0,
    onHandle: () => Promise.resolve(),
    idleResult: () => Promise.resolve(true),
    abortResult: () => Promise.resolve(),
    attach(conn) {
      router.attached.push(conn);
    },
    handle(conn, frame) {
      router.handled.push({ conn, frame });
      return router.onHandle(conn, frame);
    },
    detach(conn) {
      router.detached.push(conn);
    },
    sessionOf: () => undefined,
    endSession: () => Promise.resolve(false),
    drain() {
      router.drained = true;
    },
    abortAll() {
      router.abortCalls += 1;
      return router.abortResult();
    },
    idle: (timeoutMs) => router.idleResult(timeoutMs),
    stats: () => ({
      connections: router.attached.length - router.detached.length,
      sessionsBound: 0,
      generations: 0,
    }),
    close: () => Promise.resolve(),
    waitForHandled: (count, timeoutMs = 3_000) =>
      until(() => router.handled.length >= count, timeoutMs, `${count} handled frames`),
    waitForDetached: (count, timeoutMs = 3_000) =>
      until(() => router.detached.length >= count, timeoutMs, `${count} detaches`),
  };
  return router;
}

export { until };
