import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import type { LlmChunk, LlmProvider } from '@chatbox/llm';
import { createMongoStore } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';
import { startFaultProxy, startMongo, uniqueDbName } from '@chatbox/testkit';
import type { FaultProxy, MongoServer } from '@chatbox/testkit';
import { createHarness, sendFrame, until } from '../support/harness.js';

let mongo: MongoServer;
let proxy: FaultProxy;
let store: MeteredSessionStore;

beforeAll(async () => {
  mongo = await startMongo();
  proxy = await startFaultProxy({ host: mongo.host, port: mongo.port });
  store = await createMongoStore({
    uri: `mongodb://${proxy.host}:${proxy.port}/?directConnection=true`,
    database: uniqueDbName('router'),
    serverSelectionTimeoutMs: 500,
    connectTimeoutMs: 500,
    socketTimeoutMs: 1_000,
    retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50, deadlineMs: 1_500 },
  });
}, 120_000);

afterAll(async () => {
  await store?.close();
  await proxy?.close();
  await mongo?.close();
});

function counting(): LlmProvider & { calls: number } {
  const inner = createDemoProvider({ delayMs: 0, reply: () => 'stored in mongo' });
  const provider = {
    name: 'demo' as const,
    demo: true,
    deadlines: inner.deadlines,
    calls: 0,
    stream(...args: Parameters<LlmProvider['stream']>): AsyncIterable<LlmChunk> {
      provider.calls += 1;
      return inner.stream(...args);
    },
    close: () => inner.close(),
  };
  return provider;
}

describe('the router on a MongoDB-compatible store', () => {
  it('R4: a resent clientMessageId gives one document and the same ack, also after a restart', async () => {
    const llm = counting();
    const first = createHarness({ store, ownStore: false, llm });
    const conn = first.connect('mongo-user');
    const frame = sendFrame('remember me');
    await first.router.handle(conn, frame);
    await conn.waitFor('done');
    await until(() => first.router.stats().generations === 0);
    const sessionId = conn.of('session')[0]!.sessionId;
    await first.router.handle(conn, { ...frame, sessionId });
    expect(conn.of('ack').map((a) => [a.seq, a.duplicate])).toEqual([
      [1, false],
      [1, true],
    ]);
    await first.close();
    // Another instance (or a restart): the session is restored from MongoDB.
    const second = createHarness({ store, ownStore: false, llm });
    try {
      const again = second.connect('mongo-user');
      await second.router.handle(again, { ...frame, sessionId });
      expect(again.of('ack')[0]).toMatchObject({ seq: 1, duplicate: true });
      expect(llm.calls).toBe(1);
      const stored = await store.getMessages(sessionId);
      expect(stored.filter((m) => m.clientMessageId === frame.clientMessageId)).toHaveLength(1);
      expect(stored.map((m) => [m.seq, m.status])).toEqual([
        [1, 'complete'],
        [2, 'complete'],
      ]);
      expect(stored[1]!.content).toBe('stored in mongo');
      expect((await store.getSession(sessionId))!.lastSeq).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('R1: with MongoDB unreachable the user gets storage_unavailable and the model is not called', async () => {
    const llm = counting();
    const h = createHarness({ store, ownStore: false, llm });
    try {
      const conn = h.connect('mongo-user-2');
      await h.router.handle(conn, sendFrame('first'));
      await conn.waitFor('done');
      await until(() => h.router.stats().generations === 0);
      proxy.setMode({ kind: 'refuse' });
      const frame = sendFrame('while down');
      const sentAt = Date.now();
      await h.router.handle(conn, frame);
      const error = await conn.waitFor('error');
      expect(error).toMatchObject({
        code: 'storage_unavailable',
        retryable: true,
        clientMessageId: frame.clientMessageId,
      });
      expect(Date.now() - sentAt).toBeLessThan(10_000);
      expect(conn.of('ack')).toHaveLength(1);
      expect(llm.calls).toBe(1);
      expect(h.router.stats().generations).toBe(0);
      proxy.setMode({ kind: 'pass' });
      await h.router.handle(conn, frame);
      expect(conn.of('ack')[1]).toMatchObject({ seq: 3, duplicate: false });
      await conn.waitFor('done', (d) => d.seq === 4);
      expect(llm.calls).toBe(2);
    } finally {
      proxy.setMode({ kind: 'pass' });
      await h.close();
    }
  });
});

describe('batched turn writes on a MongoDB-compatible store (issue 10)', () => {
  it('one insert command per turn; the turn is stored and the reply completed', async () => {
    const inserts: string[] = [];
    const batching = await createMongoStore({
      uri: `mongodb://${mongo.host}:${mongo.port}/?directConnection=true`,
      database: uniqueDbName('router_batch'),
      onCommand: (e) => {
        if (e.commandName === 'insert' && e.phase === 'started') inserts.push(e.commandName);
      },
    });
    const llm = counting();
    const h = createHarness({ store: batching, llm });
    try {
      const conn = h.connect('batch-user');
      await h.router.handle(conn, sendFrame('batched'));
      await conn.waitFor('done');
      const sessionId = conn.of('session')[0]!.sessionId;
      await h.router.handle(conn, sendFrame('again', { sessionId }));
      await conn.waitFor('done', (d) => d.seq === 4);
      await until(() => h.router.stats().generations === 0);
      expect(inserts).toHaveLength(2);
      expect(llm.calls).toBe(2);
      const stored = await batching.getMessages(sessionId);
      expect(stored.map((m) => [m.seq, m.role, m.status])).toEqual([
        [1, 'user', 'complete'],
        [2, 'assistant', 'complete'],
        [3, 'user', 'complete'],
        [4, 'assistant', 'complete'],
      ]);
      expect(stored[1]!.content).toBe('stored in mongo');
    } finally {
      await h.close();
    }
  });
});
