import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import { createMemoryStore, StorageError } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';
import type { ReadinessReport } from '../../src/health.js';
import { http, startApp, waitFor } from '../support/harness.js';
import type { RunningApp } from '../support/harness.js';
import { controlledStore } from '../support/stores.js';
import { nextFrame } from '../support/frames.js';

describe('liveness and readiness (R12)', () => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('is alive but not ready while the store has not connected, then ready', async () => {
    let connect!: (store: MeteredSessionStore) => void;
    const connected = new Promise<MeteredSessionStore>((resolve) => {
      connect = resolve;
    });
    running = await startApp({}, { connectStore: () => connected });
    const booting = await http<ReadinessReport>(running.baseUrl, '/readyz');
    expect(booting.status).toBe(503);
    expect(booting.body).toMatchObject({
      status: 'booting',
      ready: false,
      checks: { storage: { status: 'connecting' } },
    });
    expect((await http(running.baseUrl, '/healthz')).status).toBe(200);
    connect(createMemoryStore());
    await waitFor(
      async () => (await http(running!.baseUrl, '/readyz')).status === 200,
      5_000,
      'ready',
    );
    const ready = await http<ReadinessReport>(running.baseUrl, '/readyz');
    expect(ready.body).toMatchObject({
      status: 'ready',
      ready: true,
      checks: {
        storage: { status: 'up', backend: 'memory', durable: false },
        limiter: { status: 'up', backend: 'memory' },
        redis: { status: 'off' },
        llm: { status: 'demo' },
      },
    });
  });

  it('keeps trying a store that is down at start, failing calls as retryable meanwhile', async () => {
    let attempts = 0;
    running = await startApp(
      {},
      {
        storeRetryBaseMs: 10,
        connectStore: () => {
          attempts += 1;
          return attempts < 3
            ? Promise.reject(new StorageError('ERR_STORAGE_UNAVAILABLE', 'down'))
            : Promise.resolve(createMemoryStore());
        },
      },
    );
    const admin = await running.token('root', ['admin']);
    await waitFor(
      async () => (await http(running!.baseUrl, '/readyz')).status === 200,
      5_000,
      'ready after retries',
    );
    expect(attempts).toBe(3);
    expect(
      (
        await http(running.baseUrl, '/chat/admin/sessions', {
          headers: { authorization: `Bearer ${admin}` },
        })
      ).status,
    ).toBe(200);
  });

  it('reports a storage outage in the body without failing readiness or liveness', async () => {
    const controlled = controlledStore();
    running = await startApp({}, { store: controlled.store, pingCacheMs: 300, pingTimeoutMs: 200 });
    await waitFor(
      async () => (await http(running!.baseUrl, '/readyz')).status === 200,
      5_000,
      'ready',
    );
    await new Promise((resolve) => setTimeout(resolve, 350)); // past the ping cache
    controlled.fail('ping', new StorageError('ERR_STORAGE_UNAVAILABLE', 'down'));
    const pingsBefore = controlled.calls.get('ping') ?? 0;
    const report = await http<ReadinessReport>(running.baseUrl, '/readyz');
    expect(report.status).toBe(200);
    expect(report.body.checks.storage).toMatchObject({
      status: 'down',
      error: 'ERR_STORAGE_UNAVAILABLE',
    });
    // Cached: a burst of probes costs one ping.
    await Promise.all(Array.from({ length: 5 }, () => http(running!.baseUrl, '/readyz')));
    expect(controlled.calls.get('ping')).toBe(pingsBefore + 1);
    // Liveness never touches the store.
    const callsBefore = controlled.history.length;
    expect((await http(running.baseUrl, '/healthz')).status).toBe(200);
    expect(controlled.history.length).toBe(callsBefore);

    // A ping that hangs is cut off by its timeout: the probe still answers promptly.
    controlled.fail('ping', undefined);
    let release!: () => void;
    controlled.hold(
      'ping',
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 350));
    const started = Date.now();
    const hung = await http<ReadinessReport>(running.baseUrl, '/readyz');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(hung.body.checks.storage).toMatchObject({
      status: 'down',
      error: 'ERR_SERVER_PING_TIMEOUT',
    });
    release();
  });

  it('fails readiness from the first moment of draining while liveness holds; storage closes last', async () => {
    const controlled = controlledStore();
    const llm = createDemoProvider({
      delayMs: 40,
      chunkSize: 4,
      reply: () => 'a reply long enough to still be streaming at shutdown '.repeat(4),
    });
    running = await startApp(
      { CHATBOX_SHUTDOWN_DRAIN_MS: '200', CHATBOX_SHUTDOWN_DEADLINE_MS: '2000' },
      { store: controlled.store, llm },
    );
    await waitFor(
      async () => (await http(running!.baseUrl, '/readyz')).status === 200,
      5_000,
      'ready',
    );
    const client = await running.connect(await running.token('frank'));
    client.send({ type: 'send', clientMessageId: randomUUID(), content: 'hi' });
    await nextFrame(client, 'delta');
    const shutdown = running.app.chatbox.shutdown();
    const readiness = await http<ReadinessReport>(running.baseUrl, '/readyz');
    expect(readiness.status).toBe(503);
    expect(readiness.body.status).toBe('draining');
    expect((await http(running.baseUrl, '/healthz')).status).toBe(200);
    const { durationMs } = await shutdown;
    expect(durationMs).toBeLessThan(2_000);
    expect((await client.closed).code).toBe(1001);
    const methods = controlled.history.map((call) => call.method);
    expect(methods.at(-1)).toBe('close');
    const final = controlled.history.find(
      (call) =>
        call.method === 'updateMessage' &&
        (call.args[2] as { status?: string }).status === 'interrupted',
    );
    expect(final).toBeDefined();
    expect(((final!.args[2] as { content?: string }).content ?? '').length).toBeGreaterThan(0);
    running = undefined;
  });

  it('closes the store last even when an earlier close step fails', async () => {
    const controlled = controlledStore();
    const llm = createDemoProvider({ delayMs: 1 });
    llm.close = () =>
      Promise.reject(Object.assign(new Error('stuck'), { code: 'ERR_LLM_UNAVAILABLE' }));
    const started = await startApp({}, { store: controlled.store, llm });
    await started.close();
    expect(controlled.history.at(-1)?.method).toBe('close');
  });

  it('a shutdown during boot closes the store that connects late', async () => {
    let connect!: (store: MeteredSessionStore) => void;
    const connected = new Promise<MeteredSessionStore>((resolve) => {
      connect = resolve;
    });
    const started = await startApp({}, { connectStore: () => connected });
    const shutdown = started.app.chatbox.shutdown();
    expect(started.app.chatbox.lifecycle.state).toBe('draining');
    const late = createMemoryStore();
    connect(late);
    await shutdown;
    expect(started.app.chatbox.lifecycle.state).toBe('closed');
    await expect(late.ping()).rejects.toMatchObject({ code: 'ERR_STORAGE_CLOSED' });
  });
});
