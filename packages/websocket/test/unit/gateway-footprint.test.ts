import { afterEach, describe, expect, it } from '@jest/globals';
import { recordFigure } from '@chatbox/testkit';
import type { GatewayTimers } from '../../src/index.js';
import { systemTimers } from '../../src/timers.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createStubRouter, until, type StubRouter } from '../support/stub-router.js';

const gc = (globalThis as { gc?: () => void }).gc;

async function collect(): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    gc?.();
  }
}

/** systemTimers that count the timers and intervals alive. */
function countingTimers(): GatewayTimers & { alive(): number } {
  const alive = new Set<unknown>();
  return {
    setTimeout(callback, ms) {
      const handle = systemTimers.setTimeout(() => {
        alive.delete(handle);
        callback();
      }, ms);
      alive.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      alive.delete(handle);
      systemTimers.clearTimeout(handle);
    },
    setInterval(callback, ms) {
      const handle = systemTimers.setInterval(callback, ms);
      alive.add(handle);
      return handle;
    },
    clearInterval(handle) {
      alive.delete(handle);
      systemTimers.clearInterval(handle);
    },
    alive: () => alive.size,
  };
}

describe('per-connection footprint', () => {
  let harness: Harness | undefined;
  let router: StubRouter;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('keeps neither the upgrade request nor its reply once the socket is open', async () => {
    router = createStubRouter();
    const refs: Array<WeakRef<object>> = [];
    harness = await startHarness({ router }, undefined, (app) => {
      app.addHook('onRequest', async (request, reply) => {
        // request.log is a child of the app's logger only when logging is on; the request holds it.
        refs.push(new WeakRef(request), new WeakRef(request.raw), new WeakRef(reply.raw));
      });
    });
    const clients = await Promise.all([1, 2, 3].map(() => harness!.connect()));
    await until(() => router.attached.length === 3, 3_000, 'attach');
    expect(refs).toHaveLength(9);
    await collect();
    expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    // The sockets are still served: a frame reaches the router and the answer comes back.
    router.onHandle = (conn) => {
      conn.send('{"type":"pong","id":"a"}');
      conn.send('{"type":"pong","id":"b"}');
      return Promise.resolve();
    };
    clients[0]!.send({ type: 'ping', id: 'x' });
    await clients[0]!.next((value) => (value as { id?: string }).id === 'b');
    expect(clients[0]!.received.map((value) => (value as { id?: string }).id)).toEqual(['a', 'b']);
  });

  it('runs one heartbeat interval and one expiry timer for all connections', async () => {
    router = createStubRouter();
    const timers = countingTimers();
    harness = await startHarness({
      router,
      timers,
      pingIntervalMs: 50,
      pongTimeoutMs: 1_000,
      maxConnectionsPerUser: 100,
    });
    const before = timers.alive();
    await Promise.all(Array.from({ length: 20 }, () => harness!.connect()));
    await until(() => router.attached.length === 20, 3_000, 'attach');
    await new Promise((resolve) => setTimeout(resolve, 120));
    // One interval, one expiry timer, and at most one pong deadline per heartbeat round.
    expect(timers.alive() - before).toBeLessThanOrEqual(2 + 2);
    expect(harness.events.some((event) => event.type === 'heartbeat_timeout')).toBe(false);
    expect(harness.gateway.stats().connections).toBe(20);
  });

  it('holds a few KiB of heap per idle connection (generous bound)', async () => {
    router = createStubRouter();
    harness = await startHarness({ router, maxConnectionsPerUser: 1_000 });
    const count = 200;
    await collect();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < count; i += 10)
      await Promise.all(Array.from({ length: 10 }, () => harness!.connect({ sub: 'many' })));
    await until(() => router.attached.length === count, 5_000, 'attach');
    await collect();
    const perConnection = (process.memoryUsage().heapUsed - before) / count;
    // Client and server share this process: both ends count. Reported; bounded loosely.
    recordFigure(
      '14',
      'heap per idle connection, client and server in one process',
      Math.round(perConnection),
      'bytes',
    );
    expect(perConnection).toBeLessThan(64 * 1024);
  });
});
