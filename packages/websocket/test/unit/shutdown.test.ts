import { afterEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { runShutdown, within } from '../../src/shutdown.js';
import { systemTimers } from '../../src/timers.js';
import { startHarness, type Harness, type HarnessOptions } from '../support/harness.js';
import { createStubRouter, type StubRouter } from '../support/stub-router.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('gateway shutdown', () => {
  let harness: Harness;
  let router: StubRouter;
  afterEach(async () => harness.close());

  const start = async (overrides: Partial<HarnessOptions> = {}) => {
    router = createStubRouter();
    harness = await startHarness({ router, ...overrides });
  };

  it('drains, waits for idle, aborts, then closes every socket 1001 with a reason', async () => {
    await start();
    const order: string[] = [];
    router.idleResult = async (ms) => {
      order.push(`idle:${ms <= 200}`);
      return true;
    };
    router.abortResult = async () => void order.push('abort');
    const a = await harness.connect({ sub: 'a' });
    const b = await harness.connect({ sub: 'b' });
    const closing = Promise.all([a.closed, b.closed]).then(() => order.push('closed'));
    await harness.gateway.shutdown({ drainMs: 200, deadlineMs: 2_000 });
    await closing;
    expect(router.drained).toBe(true);
    expect(order).toEqual(['idle:true', 'abort', 'closed']);
    expect(await a.closed).toEqual({ code: 1001, reason: 'server_shutdown' });
    expect(router.detached).toHaveLength(2);
    expect(harness.gateway.stats()).toEqual({ connections: 0, users: 0 });
  });

  it('closes 1012 server_restart for a restart and is idempotent', async () => {
    await start();
    const client = await harness.connect();
    await expect(harness.gateway.shutdown({ drainMs: 0, deadlineMs: -1 })).rejects.toThrow(
      TypeError,
    );
    expect(harness.gateway.accepting).toBe(true);
    const first = harness.gateway.shutdown({ drainMs: 0, deadlineMs: 1_000, restart: true });
    expect(harness.gateway.shutdown({ drainMs: 0, deadlineMs: 1_000 })).toBe(first);
    await first;
    expect(await client.closed).toEqual({ code: 1012, reason: 'server_restart' });
  });

  it('resolves before the deadline when the router hangs and a client never answers', async () => {
    await start({ closeGraceMs: 60_000 });
    router.idleResult = () => never();
    router.abortResult = () => never();
    const polite = await harness.connect({ sub: 'polite' });
    const stuck = await harness.connect({ sub: 'stuck' });
    stuck.pause();
    const started = Date.now();
    await harness.gateway.shutdown({ drainMs: 5_000, deadlineMs: 800 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(800 + 150);
    expect(router.abortCalls).toBe(1);
    expect(harness.gateway.stats().connections).toBe(0);
    expect((await polite.closed).code).toBe(1001);
    stuck.resume();
    await stuck.closed;
  });

  it('carries on when the router rejects during shutdown', async () => {
    await start();
    router.idleResult = () => Promise.reject(new Error('idle failed'));
    router.abortResult = () => Promise.reject(new Error('abort failed'));
    const client = await harness.connect();
    await harness.gateway.shutdown({ drainMs: 100, deadlineMs: 1_000 });
    expect((await client.closed).code).toBe(1001);
  });

  it('app.close() without shutdown still closes 1001 with a reason (never 1005), bounded for silent peers', async () => {
    await start({ closeGraceMs: 200 });
    const client = await harness.connect();
    const silent = await harness.connect();
    silent.pause();
    const started = Date.now();
    await harness.app.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await client.closed).toEqual({ code: 1001, reason: 'server_shutdown' });
    expect(harness.gateway.accepting).toBe(false);
    silent.resume();
    await silent.closed;
  });
});

describe('runShutdown', () => {
  const context = (router: StubRouter) => ({
    router,
    connections: () => [],
    clock: Date.now,
    timers: systemTimers,
    logger: pino({ level: 'silent' }),
  });

  it('refuses negative budgets', async () => {
    const router = createStubRouter();
    await expect(runShutdown(context(router), { drainMs: -1, deadlineMs: 100 })).rejects.toThrow(
      TypeError,
    );
    await expect(
      runShutdown(context(router), { drainMs: 0, deadlineMs: Number.NaN }),
    ).rejects.toThrow(TypeError);
  });

  it('skips the drain wait when the deadline leaves no room for it', async () => {
    const router = createStubRouter();
    let idleCalls = 0;
    router.idleResult = async () => {
      idleCalls += 1;
      return true;
    };
    await runShutdown(context(router), { drainMs: 1_000, deadlineMs: 0 });
    expect(idleCalls).toBe(0);
    expect(router.abortCalls).toBe(1);
  });

  it('within() reports settle versus timeout', async () => {
    await expect(within(Promise.resolve(), 50, systemTimers)).resolves.toBe(true);
    await expect(within(Promise.reject(new Error('x')), 50, systemTimers)).resolves.toBe(true);
    await expect(within(never(), 20, systemTimers)).resolves.toBe(false);
    await expect(within(Promise.resolve(), 0, systemTimers)).resolves.toBe(false);
  });
});
