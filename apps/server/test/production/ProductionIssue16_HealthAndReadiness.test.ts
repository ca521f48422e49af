import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  connectWs,
  mintToken,
  randomSecret,
  recordFigure,
  startFaultProxy,
  startMongo,
  uniqueDbName,
} from '@chatbox/testkit';
import type { FaultProxy, MongoServer } from '@chatbox/testkit';
import type { ReadinessReport } from '../../src/health.js';
import { http, waitFor } from '../support/harness.js';
import { listening, spawnServer } from '../support/process.js';
import type { ServerProcess } from '../support/process.js';
import { nextFrame } from '../support/frames.js';

// Fast storage timeouts so an unreachable store is noticed in test time (config rules keep them consistent).
const STORAGE_ENV = {
  CHATBOX_STORAGE_BACKEND: 'mongodb',
  CHATBOX_STORAGE_SERVER_SELECTION_TIMEOUT_MS: '300',
  CHATBOX_STORAGE_RETRY_DEADLINE_MS: '600',
  CHATBOX_STORAGE_RETRY_MAX_DELAY_MS: '100',
  CHATBOX_STORAGE_RETRY_BASE_DELAY_MS: '20',
};

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

// Finding 16: Kubernetes needs liveness (restart me) and readiness (send me traffic) to differ:
// readiness false while booting and from the first moment of draining; liveness without I/O.
describe('ProductionIssue16_HealthAndReadiness', () => {
  let mongo: MongoServer;
  let proxy: FaultProxy;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    mongo = await startMongo();
    proxy = await startFaultProxy({ host: mongo.host, port: mongo.port });
  }, 120_000);
  afterAll(async () => {
    await proxy.close();
    await mongo.close();
  });
  afterEach(async () => {
    proxy.setMode({ kind: 'pass' });
    await server?.stop();
    server = undefined;
  });

  it('is live but not ready while booting with storage down, and ready once storage answers', async () => {
    proxy.setMode({ kind: 'refuse' });
    server = await spawnServer({
      ...STORAGE_ENV,
      CHATBOX_STORAGE_MONGODB_URI: `mongodb://127.0.0.1:${proxy.port}/?directConnection=true`,
      CHATBOX_STORAGE_DATABASE: uniqueDbName('p16'),
    });
    await listening(server);
    // Booting for as long as storage is unreachable: alive all along, never ready.
    for (let i = 0; i < 5; i += 1) {
      const live = await http(server.baseUrl, '/healthz');
      const ready = await http<ReadinessReport>(server.baseUrl, '/readyz');
      expect(live.status).toBe(200);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({
        status: 'booting',
        ready: false,
        checks: { storage: { status: 'connecting', backend: 'mongodb' } },
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const upAt = performance.now();
    proxy.setMode({ kind: 'pass' });
    await waitFor(
      async () => (await http(server!.baseUrl, '/readyz')).status === 200,
      20_000,
      'ready after storage came up',
    );
    recordFigure('16', 'storage up to ready', Math.round(performance.now() - upAt), 'ms');
  }, 60_000);

  it('liveness does no I/O: it answers while storage hangs, and readiness reports the outage without failing', async () => {
    server = await spawnServer({
      ...STORAGE_ENV,
      CHATBOX_STORAGE_MONGODB_URI: `mongodb://127.0.0.1:${proxy.port}/?directConnection=true`,
      CHATBOX_STORAGE_DATABASE: uniqueDbName('p16'),
    });
    await listening(server);
    await waitFor(
      async () => (await http(server!.baseUrl, '/readyz')).status === 200,
      20_000,
      'ready',
    );
    proxy.setMode({ kind: 'blackhole' });
    const live = await timed(() => http(server!.baseUrl, '/healthz'));
    expect(live.value.status).toBe(200);
    recordFigure('16', 'liveness latency with storage blackholed', Math.round(live.ms), 'ms');
    expect(live.ms).toBeLessThan(1_000);
    // The cached ping expires; the next probe pings (bounded by its timeout) and reports `down`.
    await waitFor(
      async () =>
        (await http<ReadinessReport>(server!.baseUrl, '/readyz')).body.checks.storage.status ===
        'down',
      15_000,
      'storage reported down',
    );
    const ready = await http<ReadinessReport>(server.baseUrl, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.ready).toBe(true);
    proxy.setMode({ kind: 'pass' });
  }, 60_000);

  it('is not ready from the first moment of draining, while liveness stays up', async () => {
    const secret = randomSecret();
    server = await spawnServer({
      CHATBOX_AUTH_JWT_SECRET: secret,
      CHATBOX_LLM_DEMO_DELAY_MS: '300',
      CHATBOX_SHUTDOWN_DRAIN_MS: '2000',
      CHATBOX_SHUTDOWN_DEADLINE_MS: '4000',
    });
    await listening(server);
    await waitFor(
      async () => (await http(server!.baseUrl, '/readyz')).status === 200,
      10_000,
      'ready',
    );
    const token = await mintToken({ secret, sub: 'drainer' });
    const client = await connectWs(`ws://127.0.0.1:${server.port}/chat/ws`, {
      origin: server.baseUrl,
      protocols: ['chat.v1', `bearer.${token}`],
    });
    client.send({ type: 'send', clientMessageId: randomUUID(), content: 'keep streaming' });
    await nextFrame(client, 'delta', undefined, 10_000);
    server.signal('SIGTERM');
    await server.line((line) => line.includes('"msg":"shutting down"'));
    const ready = await http<ReadinessReport>(server.baseUrl, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('draining');
    expect((await http(server.baseUrl, '/healthz')).status).toBe(200);
    // New WebSocket upgrades are refused while draining.
    await expect(
      connectWs(`ws://127.0.0.1:${server.port}/chat/ws`, {
        origin: server.baseUrl,
        protocols: ['chat.v1', `bearer.${token}`],
      }),
    ).rejects.toMatchObject({ statusCode: 503 });
    expect((await server.exited).code).toBe(0);
    await client.closed;
  }, 60_000);
});
