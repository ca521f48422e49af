import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MongoServer } from '@chatbox/testkit';
import { startMongo, uniqueDbName } from '@chatbox/testkit';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { createMongoStore } from '../../src/index.js';
import { makeMessage, makeSnapshot } from '../support/fixtures.js';
import { describeStoreContract } from '../support/store-contract.js';

let mongo: MongoServer;
beforeAll(async () => {
  mongo = await startMongo();
});
afterAll(async () => {
  await mongo.close();
});

const uriOf = (server: MongoServer): string =>
  `mongodb://${server.host}:${server.port}/?directConnection=true`;

describeStoreContract('mongodb', () =>
  createMongoStore({ uri: uriOf(mongo), database: uniqueDbName('contract') }),
);

describe('createMongoStore on a real server', () => {
  it('creates the unique indexes and falls back to purgeEnded where TTL is missing', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const database = uniqueDbName('indexes');
    const store = await createMongoStore({
      uri: uriOf(mongo),
      database,
      retentionMs: 60_000,
      logger: pino({ level: 'info' }, sink),
    });
    const client = new MongoClient(uriOf(mongo));
    try {
      const names = (await client.db(database).collection('messages').listIndexes().toArray()).map(
        (i) => String((i as { name?: unknown }).name),
      );
      expect(names).toEqual(
        expect.arrayContaining(['session_seq_unique', 'session_idem_unique', 'status_heartbeat']),
      );
      const sessionIndexes = (
        await client.db(database).collection('sessions').listIndexes().toArray()
      ).map((i) => String((i as { name?: unknown }).name));
      expect(sessionIndexes).toEqual(expect.arrayContaining(['user_active']));
      const ready = lines
        .map((l) => JSON.parse(l) as { msg: string; ttl?: boolean })
        .find((l) => l.msg === 'mongodb session store ready');
      expect(ready?.ttl).toBe(mongo.kind === 'ferretdb' ? false : true);
      expect(store.durable).toBe(true);
    } finally {
      await client.close();
      await store.close();
    }
  });

  it('stores documents without undefined-as-null fields, so they round-trip exactly', async () => {
    const database = uniqueDbName('shape');
    const store = await createMongoStore({ uri: uriOf(mongo), database });
    const client = new MongoClient(uriOf(mongo));
    try {
      const s = makeSnapshot();
      await store.createSession(s);
      const m = makeMessage({ sessionId: s.id, seq: 1, role: 'assistant' });
      await store.appendMessage(m);
      const raw = await client.db(database).collection('messages').findOne({});
      expect(raw).not.toHaveProperty('clientMessageId');
      expect(raw).not.toHaveProperty('usage');
      expect(await store.getMessages(s.id)).toEqual([m]);
      expect(await store.getSession(s.id)).toEqual(s);
    } finally {
      await client.close();
      await store.close();
    }
  });

  it('reports a corrupt stored document instead of returning a malformed snapshot', async () => {
    const database = uniqueDbName('corrupt');
    const store = await createMongoStore({ uri: uriOf(mongo), database });
    const client = new MongoClient(uriOf(mongo));
    try {
      const s = makeSnapshot();
      await client
        .db(database)
        .collection<{ _id: string }>('sessions')
        .insertOne({ _id: s.id, userId: 42 } as never);
      await expect(store.getSession(s.id)).rejects.toMatchObject({
        code: 'ERR_STORAGE_CORRUPT_DOCUMENT',
      });
      expect(store.metrics.failures).toBe(0);
    } finally {
      await client.close();
      await store.close();
    }
  });
});
