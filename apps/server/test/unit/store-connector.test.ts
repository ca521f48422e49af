import { describe, expect, it, jest } from '@jest/globals';
import { createMemoryStore, StorageError } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';
import { pino } from 'pino';
import { createStoreConnector } from '../../src/store-connector.js';
import type { ConnectorTimers } from '../../src/store-connector.js';
import { LogCapture } from '../support/harness.js';

/** Timers run by hand: each pending callback with its delay. */
function manualTimers(): ConnectorTimers & {
  pending: { callback: () => void; ms: number }[];
  fire(): void;
} {
  const pending: { callback: () => void; ms: number }[] = [];
  return {
    pending,
    setTimeout(callback, ms) {
      const entry = { callback, ms };
      pending.push(entry);
      return entry;
    },
    clearTimeout(handle) {
      const index = pending.indexOf(handle as { callback: () => void; ms: number });
      if (index >= 0) pending.splice(index, 1);
    },
    fire() {
      pending.shift()?.callback();
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('store connector', () => {
  it('retries with capped exponential backoff and fails calls as retryable until connected', async () => {
    const timers = manualTimers();
    const capture = new LogCapture();
    const real = createMemoryStore();
    let attempts = 0;
    const connect = jest.fn(() => {
      attempts += 1;
      return attempts < 5
        ? Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))
        : Promise.resolve(real);
    });
    const store = createStoreConnector({
      connect,
      durable: true,
      logger: pino(capture),
      retryBaseMs: 100,
      retryMaxMs: 300,
      timers,
    });
    expect(store.connected).toBe(false);
    expect(store.durable).toBe(true);
    expect(store.metrics).toEqual({ retries: 0, failures: 0 });
    await expect(store.ping()).rejects.toMatchObject({
      code: 'ERR_STORAGE_UNAVAILABLE',
      retryable: true,
    });
    for (let i = 0; i < 4; i += 1) {
      await flush();
      timers.fire();
    }
    await store.whenConnected();
    expect(store.connected).toBe(true);
    expect(connect).toHaveBeenCalledTimes(5);
    const delays = capture.lines
      .filter((line) => line.msg === 'storage not reachable yet, retrying')
      .map((line) => line.delayMs);
    expect(delays).toEqual([100, 200, 300, 300]);
    expect(capture.lines.every((line) => line.code === 'ECONNREFUSED')).toBe(true);
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'ERR_STORAGE_CLOSED' });
    await store.close();
  });

  it('closed before it connects: stops retrying, rejects waiters, and closes a store that arrives late', async () => {
    const timers = manualTimers();
    let resolveLate!: (store: MeteredSessionStore) => void;
    let calls = 0;
    const connect = () => {
      calls += 1;
      if (calls === 1) return Promise.reject(new Error('down'));
      return new Promise<MeteredSessionStore>((resolve) => {
        resolveLate = resolve;
      });
    };
    const store = createStoreConnector({
      connect,
      durable: false,
      logger: pino({ level: 'silent' }),
      timers,
    });
    await flush();
    expect(timers.pending).toHaveLength(1);
    const waiting = store.whenConnected();
    const closing = store.close();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_STORAGE_CLOSED' });
    await closing;
    expect(timers.pending).toHaveLength(0);
    expect(calls).toBe(1);

    // A connection attempt in flight at close: its store is closed when it arrives.
    const second = createStoreConnector({
      connect,
      durable: false,
      logger: pino({ level: 'silent' }),
      timers: manualTimers(),
    });
    await flush();
    const late = createMemoryStore();
    const secondClosing = second.close();
    resolveLate(late);
    await secondClosing;
    await expect(late.ping()).rejects.toBeInstanceOf(StorageError);
  });
});
