import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { startFaultProxy, startMongo, uniqueDbName, type MongoServer } from '../../src/index.js';

// Short selection timeout: while the server is stopped an operation must fail fast, not hang.
const clientOptions = {
  serverSelectionTimeoutMS: 2_000,
  connectTimeoutMS: 2_000,
  retryReads: false,
  retryWrites: false,
};

describe('startMongo', () => {
  let server: MongoServer;

  beforeAll(async () => {
    server = await startMongo();
  });

  afterAll(async () => {
    await server.close();
  });

  it('serves the real mongodb driver on loopback', async () => {
    expect(server.uri).toContain(`${server.host}:${server.port}`);
    expect(['external', 'mongod', 'ferretdb']).toContain(server.kind);
    const client = new MongoClient(server.uri, clientOptions);
    try {
      const db = client.db(uniqueDbName('testkit smoke'));
      await db.collection('things').insertOne({ name: 'first', n: 1 });
      const found = await db.collection('things').findOne({ name: 'first' });
      expect(found?.['n']).toBe(1);
      await db.dropDatabase();
    } finally {
      await client.close();
    }
  });

  it('fails while stopped and works again after restart on the same port, keeping data', async () => {
    if (server.kind === 'external') {
      await expect(server.stop()).rejects.toMatchObject({ code: 'ERR_TESTKIT_EXTERNAL_SERVER' });
      return;
    }
    const dbName = uniqueDbName('testkit_restart');
    const port = server.port;
    const client = new MongoClient(server.uri, clientOptions);
    try {
      await client
        .db(dbName)
        .collection('kept')
        .insertOne({ _id: 'a' as never, v: 1 });
      await server.stop();
      await expect(client.db(dbName).collection('kept').findOne({})).rejects.toThrow();
      await server.restart();
      expect(server.port).toBe(port);
      const again = await client.db(dbName).collection('kept').findOne({});
      expect(again?.['v']).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('resetNext in front of the server fails exactly one driver operation with a network error', async () => {
    const proxy = await startFaultProxy({ host: server.host, port: server.port });
    // Polling monitor with a long interval: the next bytes on the wire are the test's own command.
    const client = new MongoClient(`mongodb://${proxy.host}:${proxy.port}/?directConnection=true`, {
      ...clientOptions,
      serverMonitoringMode: 'poll',
      heartbeatFrequencyMS: 60_000,
    });
    try {
      const things = client.db(uniqueDbName('testkit_proxy')).collection('things');
      await things.insertOne({ n: 1 });
      proxy.resetNext();
      const failure = await things.findOne({ n: 1 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect(String((failure as Error).name) + String((failure as Error).message)).toMatch(
        /network|ECONNRESET|closed/i,
      );
      const next = await things.findOne({ n: 1 });
      expect(next?.['n']).toBe(1);
      expect(proxy.connectionCount).toBeGreaterThanOrEqual(2);
      await things.drop();
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
