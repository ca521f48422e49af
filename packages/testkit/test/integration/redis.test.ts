import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../../src/index.js';

function clientFor(server: RedisServer): Redis {
  // No offline queue and no retries: while the server is down a command must fail, not wait.
  return new Redis(server.url, {
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: () => 100,
  });
}

// ioredis arms a 2 s timer in disconnect() that only its socket's close clears: wait for 'end'.
async function disconnect(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  const ended = new Promise((resolve) => client.once('end', resolve));
  client.disconnect();
  await ended;
}

describe('startRedis', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedis();
  });

  afterAll(async () => {
    await server.close();
  });

  it('serves ioredis set/get on loopback', async () => {
    expect(server.url).toBe(`redis://${server.host}:${server.port}`);
    const client = clientFor(server);
    try {
      await client.connect();
      await client.set('testkit:smoke', 'value-1');
      expect(await client.get('testkit:smoke')).toBe('value-1');
    } finally {
      await disconnect(client);
    }
  });

  it('fails while stopped and works again after restart on the same port', async () => {
    if (server.kind === 'external') {
      await expect(server.restart()).rejects.toMatchObject({ code: 'ERR_TESTKIT_EXTERNAL_SERVER' });
      return;
    }
    const port = server.port;
    const client = clientFor(server);
    try {
      await client.connect();
      await client.set('k', 'v1');
      await server.stop();
      await expect(client.set('k', 'v')).rejects.toThrow();
      await server.restart();
      expect(server.port).toBe(port);
      const fresh = clientFor(server);
      try {
        await fresh.connect();
        // No persistence: a restarted server starts empty.
        expect(await fresh.get('k')).toBeNull();
        await fresh.set('k', 'v2');
        expect(await fresh.get('k')).toBe('v2');
        // The client that saw the outage reconnects by itself.
        if (client.status !== 'ready')
          await new Promise((resolve) => client.once('ready', resolve));
        expect(await client.get('k')).toBe('v2');
      } finally {
        await disconnect(fresh);
      }
    } finally {
      await disconnect(client);
    }
  });
});
