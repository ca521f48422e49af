import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { startRedis } from '@chatbox/testkit';
import type { RedisServer } from '@chatbox/testkit';

export interface RedisFixture {
  readonly server: RedisServer;
  /** A client the fixture closes (or quits) itself. */
  client(options?: RedisOptions): Redis;
  /** A prefix no other test run shares, so tests on an external Redis never collide. */
  prefix(label: string): string;
  /** Deletes every key under the prefixes handed out, quits the clients, stops the server. */
  close(): Promise<void>;
}

export async function startRedisFixture(): Promise<RedisFixture> {
  const server = await startRedis();
  const run = randomBytes(6).toString('hex');
  const clients: Redis[] = [];
  const prefixes: string[] = [];
  const client = (options: RedisOptions = {}): Redis => {
    // lazyConnect: a client no test used never opens a socket, so closing it cannot race its handshake.
    const redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1, ...options });
    clients.push(redis);
    return redis;
  };
  const admin = client();
  return {
    server,
    client,
    prefix: (label) => {
      const prefix = `chatbox:test:${run}:${label}:`;
      prefixes.push(prefix);
      return prefix;
    },
    close: async () => {
      for (const prefix of prefixes) {
        const keys = await admin.keys(`${prefix}*`);
        if (keys.length > 0) await admin.del(...keys);
      }
      await Promise.all(clients.map(closeClient));
      await server.close();
    },
  };
}

/** quit() during ioredis's ready check makes it reconnect: wait for the handshake to settle first. */
async function closeClient(redis: Redis): Promise<void> {
  if (redis.status === 'connecting' || redis.status === 'connect') {
    await new Promise((resolve) => {
      redis.once('ready', resolve);
      redis.once('end', resolve);
    });
  }
  // disconnect() on an ended client arms ioredis's 2 s disconnect timer on a socket already closed.
  if (redis.status === 'end') return;
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it holds or `timeoutMs` passes; resolves to whether it held. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 25,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}
