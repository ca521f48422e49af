import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { applyControlMessage, createCluster } from '../../../src/cluster/cluster.js';
import type { ClusterRouter } from '../../../src/cluster/cluster.js';
import { LogCapture, waitFor } from '../../support/harness.js';

function fakeRouter(endResult: Promise<boolean> = Promise.resolve(true)) {
  const calls: unknown[][] = [];
  const router: ClusterRouter = {
    releaseSession: (...args) => {
      calls.push(['releaseSession', ...args]);
      return true;
    },
    cancelGeneration: (...args) => {
      calls.push(['cancelGeneration', ...args]);
      return true;
    },
    endSession: (...args) => {
      calls.push(['endSession', ...args]);
      return endResult;
    },
  };
  return { router, calls };
}

const silent = pino({ level: 'silent' });

describe('applying a control message from another instance', () => {
  const sessionId = randomUUID();
  const base = { v: 1 as const, id: randomUUID(), origin: 'other', sessionId };

  it('releases a session bound elsewhere, guarded by the time of that binding', () => {
    const { router, calls } = fakeRouter();
    applyControlMessage(
      router,
      { ...base, type: 'session_bound', boundAt: 1234 },
      { holds: () => true, logger: silent },
    );
    expect(calls).toEqual([
      ['releaseSession', sessionId, { boundBefore: 1234, reason: 'bound elsewhere' }],
    ]);
  });

  it('cancels the generation running here', () => {
    const { router, calls } = fakeRouter();
    applyControlMessage(
      router,
      { ...base, type: 'cancel' },
      { holds: () => false, logger: silent },
    );
    expect(calls).toEqual([['cancelGeneration', sessionId]]);
  });

  it('ends a session only where it is held, and logs a failed end', async () => {
    const { router, calls } = fakeRouter(
      Promise.reject(Object.assign(new Error('down'), { code: 'ERR_ROUTER_STORAGE_UNAVAILABLE' })),
    );
    applyControlMessage(
      router,
      { ...base, type: 'end_session' },
      { holds: () => false, logger: silent },
    );
    expect(calls).toEqual([]);
    const capture = new LogCapture();
    applyControlMessage(
      router,
      { ...base, type: 'end_session' },
      { holds: (id) => id === sessionId, logger: pino(capture) },
    );
    expect(calls).toEqual([['endSession', sessionId, { reason: 'remote' }]]);
    await waitFor(() => capture.lines.length > 0, 2_000, 'failure logged');
    expect(capture.lines[0]).toMatchObject({
      msg: 'remote end-session failed',
      sessionId,
      code: 'ERR_ROUTER_STORAGE_UNAVAILABLE',
    });
  });
});

describe('a cluster without Redis (memory backend)', () => {
  it('is off, says so, adds no router hooks and ends sessions here only', async () => {
    const capture = new LogCapture();
    const cluster = createCluster({
      redis: undefined,
      channel: 'chatbox:control',
      logger: pino(capture),
      holds: () => true,
      instanceId: 'solo',
    });
    expect(cluster.enabled).toBe(false);
    expect(cluster.instanceId).toBe('solo');
    expect(cluster.routerHooks).toEqual({});
    expect(cluster.status()).toEqual({ status: 'off' });
    expect(capture.lines[0]).toMatchObject({
      msg: 'control channel off: the rate limiter backend is memory (one instance)',
    });
    const sessionId = randomUUID();
    await expect(cluster.end(sessionId)).rejects.toThrow('before its router was attached');
    const { router, calls } = fakeRouter(Promise.resolve(false));
    cluster.attach(router);
    await expect(cluster.end(sessionId)).resolves.toBe(false);
    expect(calls).toEqual([['endSession', sessionId, { reason: 'admin' }]]);
    await cluster.close();
    expect(
      createCluster({ redis: undefined, channel: 'c', logger: silent, holds: () => true })
        .instanceId,
    ).toMatch(/^[0-9a-f-]{36}$/);
  });
});
