import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createMongoStore } from '@chatbox/storage';
import {
  connectWs,
  mintToken,
  randomSecret,
  recordFigure,
  startMongo,
  uniqueDbName,
} from '@chatbox/testkit';
import type { MongoServer, WsTestClient } from '@chatbox/testkit';
import { http, waitFor } from '../support/harness.js';
import { listening, spawnServer } from '../support/process.js';
import type { ServerProcess } from '../support/process.js';
import { nextFrame } from '../support/frames.js';

const DEADLINE_MS = 4_000;
const DRAIN_MS = 300;
const STREAMS = 3;

async function openStream(
  server: ServerProcess,
  secret: string,
  user: string,
): Promise<{ client: WsTestClient; sessionId: string; received: () => string }> {
  const token = await mintToken({ secret, sub: user });
  const client = await connectWs(`ws://127.0.0.1:${server.port}/chat/ws`, {
    origin: server.baseUrl,
    protocols: ['chat.v1', `bearer.${token}`],
  });
  client.send({ type: 'send', clientMessageId: randomUUID(), content: `a question from ${user}` });
  const { sessionId } = await nextFrame(client, 'session');
  await nextFrame(client, 'delta', undefined, 10_000);
  const received = (): string =>
    (client.received as { type: string; seq?: number; text?: string }[])
      .filter((f) => f.type === 'delta' && f.seq === 2)
      .map((f) => f.text)
      .join('');
  return { client, sessionId, received };
}

// Finding 15: the old Shutdown(ctx) ignored its deadline. Here SIGTERM on a process with replies
// streaming must fail readiness at once, close sockets 1001/1012, keep the partial replies in
// MongoDB, close storage last and exit 0 before the deadline.
describe('ProductionIssue15_ShutdownTimeout', () => {
  let mongo: MongoServer;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    mongo = await startMongo();
  }, 120_000);
  afterAll(async () => {
    await mongo.close();
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('SIGTERM during active streams: readiness 503 at once, clients see 1001, partials stored, exit 0 before the deadline', async () => {
    const secret = randomSecret();
    const database = uniqueDbName('p15');
    server = await spawnServer({
      CHATBOX_AUTH_JWT_SECRET: secret,
      CHATBOX_STORAGE_BACKEND: 'mongodb',
      CHATBOX_STORAGE_MONGODB_URI: mongo.uri,
      CHATBOX_STORAGE_DATABASE: database,
      CHATBOX_LLM_PROVIDER: 'demo',
      CHATBOX_LLM_DEMO_DELAY_MS: '250',
      CHATBOX_SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      CHATBOX_SHUTDOWN_DEADLINE_MS: String(DEADLINE_MS),
    });
    await listening(server, 60_000);
    await waitFor(
      async () => (await http(server!.baseUrl, '/readyz')).status === 200,
      20_000,
      'ready (store connected)',
    );
    const streams = await Promise.all(
      Array.from({ length: STREAMS }, (_, i) => openStream(server!, secret, `user-${i}`)),
    );

    const signalledAt = server.signal('SIGTERM');
    let notReadyAt: number | undefined;
    while (notReadyAt === undefined) {
      const readiness = await http(server.baseUrl, '/readyz').catch(() => undefined);
      if (readiness === undefined) break;
      if (readiness.status === 503) notReadyAt = performance.now();
    }
    const exit = await server.exited;
    const shutdownMs = exit.at - signalledAt;
    recordFigure(
      '15',
      `shutdown time with ${STREAMS} active streams (SIGTERM to exit)`,
      Math.round(shutdownMs),
      'ms',
    );
    expect(notReadyAt).toBeDefined();
    expect(notReadyAt! - signalledAt).toBeLessThan(DRAIN_MS);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(shutdownMs).toBeLessThan(DEADLINE_MS);
    for (const stream of streams) expect([1001, 1012]).toContain((await stream.client.closed).code);

    // The process is gone; what it stored is read back from MongoDB.
    const store = await createMongoStore({ uri: mongo.uri, database });
    try {
      for (const stream of streams) {
        const messages = await store.getMessages(stream.sessionId);
        expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
        const reply = messages[1]!;
        expect(reply.status).toBe('interrupted');
        expect(reply.errorCode).toBe('server_shutdown');
        expect(stream.received().length).toBeGreaterThan(0);
        expect(reply.content.startsWith(stream.received())).toBe(true);
      }
    } finally {
      await store.close();
    }
  }, 120_000);

  it('a second signal exits at once, non-zero', async () => {
    const secret = randomSecret();
    server = await spawnServer({
      CHATBOX_AUTH_JWT_SECRET: secret,
      CHATBOX_LLM_PROVIDER: 'demo',
      CHATBOX_LLM_DEMO_DELAY_MS: '500',
      CHATBOX_SHUTDOWN_DRAIN_MS: '20000',
      CHATBOX_SHUTDOWN_DEADLINE_MS: '30000',
    });
    await listening(server);
    const stream = await openStream(server, secret, 'patient');
    server.signal('SIGTERM');
    await server.line((line) => line.includes('"msg":"shutting down"'));
    // Draining: the stream may finish for up to 20 s, but the operator insists.
    const secondAt = server.signal('SIGTERM');
    const exit = await server.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(exit.at - secondAt).toBeLessThan(1_000);
    await stream.client.closed;
  }, 60_000);
});
