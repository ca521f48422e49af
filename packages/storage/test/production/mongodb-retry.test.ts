import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { FaultProxy, MongoServer } from '@chatbox/testkit';
import { recordFigure, startFaultProxy, startMongo, uniqueDbName } from '@chatbox/testkit';
import type { ChatMessage } from '@chatbox/session';
import { MongoClient } from 'mongodb';
import type { CommandEvent, MeteredSessionStore, MongoStoreOptions } from '@chatbox/storage';
import { StorageError, createMongoStore } from '@chatbox/storage';

// Finding 09: the old service made one attempt per call with a fixed 5 s timeout. Faults are
// injected on the wire by a TCP proxy between the driver and a real MongoDB-compatible server.

let mongo: MongoServer;
let proxy: FaultProxy;
let direct: MongoClient;
const opened: MeteredSessionStore[] = [];

beforeAll(async () => {
  mongo = await startMongo();
  proxy = await startFaultProxy({ host: mongo.host, port: mongo.port });
  direct = new MongoClient(`mongodb://${mongo.host}:${mongo.port}/?directConnection=true`);
});

afterEach(async () => {
  proxy.setMode({ kind: 'pass' });
  proxy.resetNext(0);
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await direct.close();
  await proxy.close();
  await mongo.close();
});

async function openStore(
  database: string,
  overrides: Partial<MongoStoreOptions> = {},
): Promise<MeteredSessionStore> {
  const store = await createMongoStore({
    uri: `mongodb://${proxy.host}:${proxy.port}/?directConnection=true`,
    database,
    serverSelectionTimeoutMs: 500,
    connectTimeoutMs: 500,
    socketTimeoutMs: 500,
    retry: { attempts: 8, baseDelayMs: 20, maxDelayMs: 250, deadlineMs: 3_000 },
    ...overrides,
  });
  opened.push(store);
  return store;
}

function userMessage(sessionId: string, seq: number): ChatMessage {
  const at = new Date();
  return {
    sessionId,
    seq,
    role: 'user',
    content: `hello ${seq} ✓`,
    status: 'complete',
    clientMessageId: randomUUID(),
    createdAt: at,
    updatedAt: at,
  };
}

function inserts(events: CommandEvent[], phase: CommandEvent['phase']): number {
  return events.filter((e) => e.commandName === 'insert' && e.phase === phase).length;
}

describe('ProductionIssue09_MongoDBRetry', () => {
  it('ProductionIssue09_MongoDBRetry (a): a connection reset before a write is retried once and stores exactly one document', async () => {
    const events: CommandEvent[] = [];
    const database = uniqueDbName('retry_a');
    const store = await openStore(database, { onCommand: (e) => events.push(e) });
    await store.ping();
    const sessionId = randomUUID();
    const message = userMessage(sessionId, 1);
    events.length = 0;
    proxy.resetNext(1);
    await expect(store.appendMessage(message)).resolves.toEqual({ message, duplicate: false });
    // Attempts counted through the driver's command monitoring: one failed insert, one that succeeded.
    expect(inserts(events, 'started')).toBe(2);
    expect(inserts(events, 'failed')).toBe(1);
    expect(inserts(events, 'succeeded')).toBe(1);
    expect(store.metrics.retries).toBe(1);
    expect(await direct.db(database).collection('messages').countDocuments({ sessionId })).toBe(1);
  });

  it('ProductionIssue09_MongoDBRetry (a): when the lost attempt had landed, the duplicate key on the retry counts as success', async () => {
    const events: CommandEvent[] = [];
    const database = uniqueDbName('retry_a2');
    const store = await openStore(database, { onCommand: (e) => events.push(e) });
    const sessionId = randomUUID();
    const message = userMessage(sessionId, 1);
    // The server already holds this very write, as when a reply is lost after the insert landed.
    const twin = await createMongoStore({
      uri: `mongodb://${mongo.host}:${mongo.port}/?directConnection=true`,
      database,
    });
    await twin.appendMessage(message);
    await twin.close();
    await store.ping();
    proxy.resetNext(1);
    await expect(store.appendMessage(message)).resolves.toEqual({ message, duplicate: false });
    expect(inserts(events, 'started')).toBe(2);
    expect(await direct.db(database).collection('messages').countDocuments({ sessionId })).toBe(1);
  });

  it('ProductionIssue09_MongoDBRetry (a): with one attempt (the old policy) the same fault loses the write', async () => {
    const store = await openStore(uniqueDbName('retry_old'), {
      retry: { attempts: 1, deadlineMs: 3_000 },
    });
    await store.ping();
    proxy.resetNext(1);
    await expect(store.appendMessage(userMessage(randomUUID(), 1))).rejects.toMatchObject({
      code: 'ERR_STORAGE_UNAVAILABLE',
    });
    expect(store.metrics).toEqual({ retries: 0, failures: 1 });
  });

  it.each([['blackhole'], ['refuse']] as const)(
    'ProductionIssue09_MongoDBRetry (b): a %s outlasting the deadline gives storage_unavailable in time, and the store recovers',
    async (kind) => {
      const deadlineMs = 1_500;
      const store = await openStore(uniqueDbName(`retry_b_${kind}`), {
        retry: { attempts: 50, baseDelayMs: 20, maxDelayMs: 200, deadlineMs },
      });
      await store.ping();
      proxy.setMode({ kind });
      const started = performance.now();
      const error = await store
        .appendMessage(userMessage(randomUUID(), 1))
        .catch((e: unknown) => e);
      const elapsedMs = performance.now() - started;
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ code: 'ERR_STORAGE_UNAVAILABLE', retryable: true });
      expect(elapsedMs).toBeLessThan(deadlineMs + 1_000);
      expect(store.metrics.retries).toBeGreaterThanOrEqual(1);
      expect(store.metrics.failures).toBe(1);
      recordFigure(
        '09',
        `time to storage_unavailable under ${kind}, ${deadlineMs} ms deadline`,
        Math.round(elapsedMs),
        'ms',
      );
      proxy.setMode({ kind: 'pass' });
      const sessionId = randomUUID();
      await store.appendMessage(userMessage(sessionId, 1));
      expect(await store.getMessages(sessionId)).toHaveLength(1);
    },
  );

  it('ProductionIssue09_MongoDBRetry (c): a duplicate key is not retried', async () => {
    const events: CommandEvent[] = [];
    const store = await openStore(uniqueDbName('retry_c'), { onCommand: (e) => events.push(e) });
    const sessionId = randomUUID();
    const first = userMessage(sessionId, 1);
    await store.appendMessage(first);
    events.length = 0;
    await expect(store.appendMessage({ ...userMessage(sessionId, 1) })).rejects.toMatchObject({
      code: 'ERR_STORAGE_CONFLICT',
    });
    expect(inserts(events, 'started')).toBe(1);
    events.length = 0;
    await expect(store.appendMessage({ ...first, seq: 2 })).resolves.toEqual({
      message: first,
      duplicate: true,
    });
    expect(inserts(events, 'started')).toBe(1);
    expect(store.metrics).toEqual({ retries: 0, failures: 0 });
  });

  it('ProductionIssue09_MongoDBRetry (d): a server restart during streams of writes loses no acknowledged write and doubles none', async () => {
    const database = uniqueDbName('retry_d');
    const store = await openStore(database, {
      retry: { attempts: 40, baseDelayMs: 20, maxDelayMs: 250, deadlineMs: 2_000 },
    });
    const streams = 3;
    const perStream = 40;
    let acknowledged = 0;
    let unavailable = 0;
    let outage: Promise<number> | undefined;
    const giveUpAt = performance.now() + 25_000;
    const writeStream = async (sessionId: string): Promise<void> => {
      for (let seq = 1; seq <= perStream; seq += 1) {
        const message = userMessage(sessionId, seq);
        for (;;) {
          try {
            await store.appendMessage(message);
            acknowledged += 1;
            break;
          } catch (error) {
            // The router's answer to storage_unavailable: the client resends the same clientMessageId.
            if (
              !(error instanceof StorageError) ||
              error.code !== 'ERR_STORAGE_UNAVAILABLE' ||
              performance.now() > giveUpAt
            )
              throw error;
            unavailable += 1;
          }
        }
        if (acknowledged === 30 && outage === undefined) {
          const stoppedAt = performance.now();
          outage = mongo
            .stop()
            .then(() => new Promise((r) => setTimeout(r, 300)))
            .then(() => mongo.restart())
            .then(() => performance.now() - stoppedAt);
        }
      }
    };
    const sessionIds = Array.from({ length: streams }, () => randomUUID());
    await Promise.all(sessionIds.map((id) => writeStream(id)));
    const outageMs = await (outage as Promise<number>);
    expect(acknowledged).toBe(streams * perStream);
    for (const sessionId of sessionIds) {
      const stored = await store.getMessages(sessionId);
      expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: perStream }, (_, i) => i + 1));
      expect(new Set(stored.map((m) => m.clientMessageId)).size).toBe(perStream);
    }
    expect(await direct.db(database).collection('messages').countDocuments({})).toBe(
      streams * perStream,
    );
    expect(store.metrics.retries).toBeGreaterThanOrEqual(1);
    recordFigure('09', 'server outage during the write streams', Math.round(outageMs), 'ms');
    recordFigure('09', 'retries during the restart', store.metrics.retries, 'retries');
    recordFigure('09', 'writes answered storage_unavailable then resent', unavailable, 'writes');
  });
});
