import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRedis } from '@chatbox/testkit';
import type { RedisServer } from '@chatbox/testkit';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createCluster } from '../../src/cluster/cluster.js';
import type { ClusterRouter } from '../../src/cluster/cluster.js';
import { createControlChannel } from '../../src/cluster/control-channel.js';
import type { ControlChannelObserver } from '../../src/cluster/control-channel.js';
import type { ControlMessage } from '../../src/cluster/control-message.js';
import { createRedisClient } from '../../src/redis-client.js';
import { LogCapture, waitFor } from '../support/harness.js';

function countingObserver() {
  const counts = new Map<string, number>();
  const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const observer: ControlChannelObserver = {
    received: (type) => bump(`in:${type}`),
    published: (type) => bump(`out:${type}`),
    publishFailed: (type) => bump(`failed:${type}`),
    invalid: (reason) => bump(`invalid:${reason}`),
  };
  return { observer, counts };
}

const subscribers = async (redis: Redis, channel: string): Promise<number> =>
  ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1];

describe('the control channel on a real Redis', () => {
  let server: RedisServer;
  let publisher: Redis;
  beforeAll(async () => {
    server = await startRedis();
    publisher = new Redis(server.url);
    // It reconnects by itself after the restart below; its errors meanwhile are expected.
    publisher.on('error', () => undefined);
  });
  afterAll(async () => {
    await publisher.quit();
    await server.close();
  });

  it('delivers valid messages of other instances only, and counts what it ignores', async () => {
    const channel = `test:${randomUUID()}`;
    const capture = new LogCapture();
    const client = createRedisClient(server.url, pino({ level: 'silent' }));
    const { observer, counts } = countingObserver();
    const received: ControlMessage[] = [];
    const control = createControlChannel({
      redis: client,
      channel,
      instanceId: 'me',
      logger: pino(capture),
      observer,
      onMessage: (m) => received.push(m),
    });
    try {
      await waitFor(() => control.status().status === 'up', 5_000, 'subscribed');
      const sessionId = randomUUID();
      const valid = { v: 1, id: randomUUID(), origin: 'other', type: 'cancel', sessionId };
      await publisher.publish(channel, 'not json');
      await publisher.publish(channel, JSON.stringify({ ...valid, v: 9 }));
      await publisher.publish(channel, JSON.stringify({ ...valid, sessionId: { $ne: null } }));
      await publisher.publish(channel, 'x'.repeat(5_000));
      await publisher.publish(channel, JSON.stringify({ ...valid, origin: 'me' }));
      await publisher.publish(`${channel}:other`, JSON.stringify(valid));
      await publisher.publish(channel, JSON.stringify(valid));
      await waitFor(() => received.length > 0, 5_000, 'delivered');
      expect(received).toEqual([valid]);
      expect(Object.fromEntries(counts)).toEqual({
        'invalid:json': 1,
        'invalid:version': 1,
        'invalid:shape': 1,
        'invalid:too_large': 1,
        'in:cancel': 1,
      });
      // A flood is counted in full but logged once a minute.
      expect(
        capture.lines.filter((line) => line.msg === 'ignored invalid control messages'),
      ).toHaveLength(1);

      // Our own publication comes back from Redis and is ignored; the publish is counted.
      expect(await control.publish({ type: 'session_bound', sessionId, boundAt: Date.now() })).toBe(
        true,
      );
      expect(counts.get('out:session_bound')).toBe(1);
      expect(await subscribers(publisher, channel)).toBe(1);
    } finally {
      await control.close();
      await control.close();
      await client.quit();
    }
    expect(await subscribers(publisher, channel)).toBe(0);
    expect(control.status()).toMatchObject({ subscribed: false });
    expect(await control.publish({ type: 'cancel', sessionId: randomUUID() })).toBe(false);
  });

  it('joins two instances: router notices go out, the other instance acts on them', async () => {
    const channel = `test:${randomUUID()}`;
    const clients = [
      createRedisClient(server.url, pino({ level: 'silent' })),
      createRedisClient(server.url, pino({ level: 'silent' })),
    ];
    const calls: string[] = [];
    const router = (name: string): ClusterRouter => ({
      releaseSession: (id, options) => (
        calls.push(`${name} release ${id} ${options?.boundBefore}`),
        true
      ),
      cancelGeneration: (id) => (calls.push(`${name} cancel ${id}`), true),
      endSession: (id, options) => (
        calls.push(`${name} end ${id} ${options?.reason}`),
        Promise.resolve(true)
      ),
    });
    const [a, b] = ['a', 'b'].map((name, i) =>
      createCluster({
        redis: clients[i],
        channel,
        instanceId: name,
        logger: pino({ level: 'silent' }),
        holds: () => true,
      }),
    ) as [ReturnType<typeof createCluster>, ReturnType<typeof createCluster>];
    a.attach(router('a'));
    b.attach(router('b'));
    try {
      await waitFor(
        () => a.status().status === 'up' && b.status().status === 'up',
        5_000,
        'both subscribed',
      );
      const sessionId = randomUUID();
      a.routerHooks.onSessionBound?.(sessionId, { connectionId: 'c1', boundAt: 42 });
      a.routerHooks.onClientControl?.({ type: 'cancel', sessionId });
      expect(await a.end(sessionId)).toBe(true);
      await waitFor(() => calls.length >= 4, 5_000, 'notices applied');
      expect(calls).toEqual([
        `a end ${sessionId} admin`,
        `b release ${sessionId} 42`,
        `b cancel ${sessionId}`,
        `b end ${sessionId} remote`,
      ]);
    } finally {
      await a.close();
      await b.close();
      await Promise.all(clients.map((client) => client.quit()));
    }
  });

  it('resubscribes by itself after Redis restarts, and fails publishes fast while it is away', async () => {
    const channel = `test:${randomUUID()}`;
    const client = createRedisClient(server.url, pino({ level: 'silent' }));
    const { observer, counts } = countingObserver();
    const received: ControlMessage[] = [];
    const control = createControlChannel({
      redis: client,
      channel,
      instanceId: 'me',
      logger: pino({ level: 'silent' }),
      observer,
      onMessage: (m) => received.push(m),
    });
    try {
      await waitFor(() => control.status().status === 'up', 5_000, 'subscribed');
      await server.stop();
      await waitFor(() => control.status().status === 'down', 5_000, 'down');
      const started = performance.now();
      expect(await control.publish({ type: 'end_session', sessionId: randomUUID() })).toBe(false);
      expect(performance.now() - started).toBeLessThan(50);
      expect(counts.get('failed:end_session')).toBe(1);
      await server.restart();
      await waitFor(() => control.status().status === 'up', 10_000, 'back up');
      const other = new Redis(server.url);
      try {
        const message = {
          v: 1,
          id: randomUUID(),
          origin: 'other',
          type: 'end_session',
          sessionId: randomUUID(),
        };
        await other.publish(channel, JSON.stringify(message));
        await waitFor(() => received.length === 1, 5_000, 'delivered after restart');
      } finally {
        await other.quit();
      }
    } finally {
      await control.close();
      await client.quit();
    }
  }, 30_000);
});
