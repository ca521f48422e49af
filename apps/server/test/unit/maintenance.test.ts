import { describe, expect, it } from '@jest/globals';
import { createMemoryStore, StorageError } from '@chatbox/storage';
import { pino } from 'pino';
import { createMaintenance } from '../../src/maintenance.js';
import { createStoreConnector } from '../../src/store-connector.js';
import { controlledStore } from '../support/stores.js';
import { LogCapture, waitFor } from '../support/harness.js';

describe('maintenance', () => {
  it('sweeps stale replies and purges ended sessions from a non-durable store', async () => {
    const controlled = controlledStore(createMemoryStore());
    const store = createStoreConnector({
      connect: () => Promise.resolve(controlled.store),
      durable: false,
      logger: pino({ level: 'silent' }),
    });
    await store.whenConnected();
    const now = 10_000_000;
    let sweeps = 0;
    const maintenance = createMaintenance({
      store,
      sweepStale: () => Promise.resolve((sweeps += 1)),
      intervalMs: 20,
      retentionMs: 60_000,
      logger: pino({ level: 'silent' }),
      clock: () => now,
    });
    await expect(maintenance.runOnce()).resolves.toEqual({ interrupted: 1, purged: 0 });
    const purge = controlled.history.find((call) => call.method === 'purgeEnded');
    expect((purge!.args[0] as Date).getTime()).toBe(now - 60_000);
    maintenance.start();
    maintenance.start();
    await waitFor(() => sweeps >= 3, 2_000, 'interval sweeps');
    await maintenance.stop();
    const stopped = sweeps;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sweeps).toBe(stopped);
    await store.close();
  });

  it('never rejects: a failing pass is logged, and a durable store is never purged', async () => {
    const controlled = controlledStore(createMemoryStore());
    const store = createStoreConnector({
      connect: () => Promise.resolve(controlled.store),
      durable: true,
      logger: pino({ level: 'silent' }),
    });
    await store.whenConnected();
    const capture = new LogCapture();
    let failing = true;
    const maintenance = createMaintenance({
      store,
      sweepStale: () =>
        failing
          ? Promise.reject(new StorageError('ERR_STORAGE_UNAVAILABLE', 'down'))
          : Promise.resolve(0),
      intervalMs: 1_000,
      retentionMs: 60_000,
      logger: pino(capture),
    });
    await expect(maintenance.runOnce()).resolves.toEqual({ interrupted: 0, purged: 0 });
    expect(capture.lines[0]).toMatchObject({
      msg: 'maintenance pass failed',
      code: 'ERR_STORAGE_UNAVAILABLE',
    });
    failing = false;
    await maintenance.runOnce();
    expect(controlled.calls.get('purgeEnded')).toBeUndefined();
    await store.close();
  });
});
