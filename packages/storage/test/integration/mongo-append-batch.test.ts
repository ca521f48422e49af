import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { FaultProxy, MongoServer } from '@chatbox/testkit';
import { startFaultProxy, startMongo, uniqueDbName } from '@chatbox/testkit';
import type { ChatMessage } from '@chatbox/session';
import { MongoClient } from 'mongodb';
import type { BatchSessionStore, CommandEvent } from '../../src/index.js';
import { createMongoStore } from '../../src/index.js';

// appendMessages on a real server behind a TCP fault proxy: one insert command per batch, and the
// finding 09 idempotency when an attempt's reply is lost after (part of) the batch landed.

let mongo: MongoServer;
let proxy: FaultProxy;
let direct: MongoClient;
const opened: BatchSessionStore[] = [];
const uriOf = (host: string, port: number): string =>
  `mongodb://${host}:${port}/?directConnection=true`;

beforeAll(async () => {
  mongo = await startMongo();
  proxy = await startFaultProxy({ host: mongo.host, port: mongo.port });
  direct = new MongoClient(uriOf(mongo.host, mongo.port));
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

async function openStore(database: string, events?: CommandEvent[]): Promise<BatchSessionStore> {
  const store = await createMongoStore({
    uri: uriOf(proxy.host, proxy.port),
    database,
    serverSelectionTimeoutMs: 500,
    connectTimeoutMs: 500,
    socketTimeoutMs: 500,
    retry: { attempts: 8, baseDelayMs: 20, maxDelayMs: 250, deadlineMs: 3_000 },
    ...(events === undefined ? {} : { onCommand: (e: CommandEvent) => events.push(e) }),
  });
  opened.push(store);
  return store;
}

function turn(sessionId: string, seq: number): [ChatMessage, ChatMessage] {
  const at = new Date();
  return [
    {
      sessionId,
      seq,
      role: 'user',
      content: `hello ${seq} ✓`,
      status: 'complete',
      clientMessageId: randomUUID(),
      createdAt: at,
      updatedAt: at,
    },
    {
      sessionId,
      seq: seq + 1,
      role: 'assistant',
      content: '',
      status: 'streaming',
      createdAt: at,
      updatedAt: at,
    },
  ];
}

const started = (events: CommandEvent[], name: string): number =>
  events.filter((e) => e.commandName === name && e.phase === 'started').length;

describe('appendMessages on a real server', () => {
  it('writes a turn (user message + placeholder) with one insert command', async () => {
    const events: CommandEvent[] = [];
    const database = uniqueDbName('batch_one');
    const store = await openStore(database, events);
    const sessionId = randomUUID();
    const [user, reply] = turn(sessionId, 1);
    events.length = 0;
    expect(await store.appendMessages([user, reply])).toEqual([
      { message: user, duplicate: false },
      { message: reply, duplicate: false },
    ]);
    expect(started(events, 'insert')).toBe(1);
    expect(await store.getMessages(sessionId)).toEqual([user, reply]);
  });

  it('a retry after a reset stores the batch exactly once', async () => {
    const events: CommandEvent[] = [];
    const database = uniqueDbName('batch_reset');
    const store = await openStore(database, events);
    await store.ping();
    const sessionId = randomUUID();
    const [user, reply] = turn(sessionId, 1);
    events.length = 0;
    proxy.resetNext(1);
    expect(await store.appendMessages([user, reply])).toEqual([
      { message: user, duplicate: false },
      { message: reply, duplicate: false },
    ]);
    expect(started(events, 'insert')).toBe(2);
    expect(store.metrics.retries).toBe(1);
    expect(await direct.db(database).collection('messages').countDocuments({ sessionId })).toBe(2);
  });

  it('when a lost attempt had landed in part, the duplicate on the retry counts as success', async () => {
    const database = uniqueDbName('batch_landed');
    const store = await openStore(database);
    const sessionId = randomUUID();
    const [user, reply] = turn(sessionId, 1);
    // The server holds the batch's first message, as when an attempt's reply was lost after it landed.
    const twin = await createMongoStore({ uri: uriOf(mongo.host, mongo.port), database });
    await twin.appendMessage(user);
    await twin.close();
    await store.ping();
    proxy.resetNext(1);
    expect(await store.appendMessages([user, reply])).toEqual([
      { message: user, duplicate: false },
      { message: reply, duplicate: false },
    ]);
    expect(await store.getMessages(sessionId)).toEqual([user, reply]);
    // Without a failed attempt before it, the same collision is a resend: duplicate.
    const [again] = turn(sessionId, 3);
    await store.appendMessage(again);
    expect(await store.appendMessages([again])).toEqual([{ message: again, duplicate: true }]);
  });
});
