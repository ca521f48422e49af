import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createMemoryStore } from '@chatbox/storage';
import { randomSecret, startRedis } from '@chatbox/testkit';
import type { RedisServer } from '@chatbox/testkit';
import type { ReadinessReport } from '../../src/health.js';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createSessionEnder, END_SESSION_CHANNEL } from '../../src/session-ender.js';
import { adminHeaders, http, LogCapture, startApp, waitFor } from '../support/harness.js';
import type { RunningApp } from '../support/harness.js';
import { nextFrame } from '../support/frames.js';

// Two instances behind one Service: one store, one Redis, no sticky sessions.
describe('several instances sharing Redis', () => {
  let redis: RedisServer;
  let a: RunningApp;
  let b: RunningApp;

  beforeAll(async () => {
    redis = await startRedis();
    const store = createMemoryStore();
    const env = {
      CHATBOX_AUTH_JWT_SECRET: randomSecret(),
      CHATBOX_RATE_LIMIT_BACKEND: 'redis',
      CHATBOX_RATE_LIMIT_REDIS_URL: redis.url,
      CHATBOX_RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE: '10',
      CHATBOX_RATE_LIMIT_MESSAGES_PER_MINUTE: '2',
    };
    a = await startApp(env, { store });
    b = await startApp(env, { store });
    await waitFor(async () => (await http<ReadinessReport>(b.baseUrl, '/readyz')).body.checks.limiter.status === 'up', 5_000, 'redis ready');
  }, 60_000);

  afterAll(async () => {
    await a.close();
    await b.close();
    await redis.close();
  });

  it('holds one admin limit across instances', async () => {
    const admin = await a.token(`admin-${randomUUID()}`, ['admin']);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await http(a.baseUrl, '/chat/admin/sessions', { headers: adminHeaders(admin) })).status);
      statuses.push((await http(b.baseUrl, '/chat/admin/sessions', { headers: adminHeaders(admin) })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('holds one message limit across instances', async () => {
    const token = await a.token(`writer-${randomUUID()}`);
    const onA = await a.connect(token);
    for (const content of ['one', 'two']) {
      onA.send({ type: 'send', clientMessageId: randomUUID(), content });
      await nextFrame(onA, 'done');
    }
    const onB = await b.connect(token);
    onB.send({ type: 'send', clientMessageId: randomUUID(), content: 'three' });
    const refused = await nextFrame(onB, 'error');
    expect(refused).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
  });

  it("ends a session from one instance and closes its connection on the other", async () => {
    const client = await b.connect(await b.token(`held-${randomUUID()}`));
    client.send({ type: 'send', clientMessageId: randomUUID(), content: 'hello' });
    const { sessionId } = await nextFrame(client, 'session');
    await nextFrame(client, 'done');
    const admin = await a.token(`ender-${randomUUID()}`, ['admin']);
    const ended = await http(a.baseUrl, `/chat/admin/sessions/${sessionId}/end`, { method: 'POST', headers: adminHeaders(admin) });
    expect(ended.status).toBe(200);
    expect((await client.closed).code).toBe(4002);
  });

  it('ignores malformed end-session notices and logs remote failures', async () => {
    const capture = new LogCapture();
    const calls: string[] = [];
    const publisher = new Redis(redis.url);
    const listener = createSessionEnder({
      router: {
        endSession: (sessionId) => {
          calls.push(sessionId);
          return Promise.reject(Object.assign(new Error('boom'), { code: 'ERR_ROUTER_STORAGE_UNAVAILABLE' }));
        },
      },
      logger: pino(capture),
      redis: publisher,
      instanceId: 'listener',
    });
    try {
      await waitFor(async () => ((await publisher.pubsub('NUMSUB', END_SESSION_CHANNEL)) as [string, number])[1] > 2, 5_000, 'subscribed');
      const target = randomUUID();
      await publisher.publish(END_SESSION_CHANNEL, 'not json');
      await publisher.publish(END_SESSION_CHANNEL, JSON.stringify({ sessionId: '{"$ne":null}', origin: 'other' }));
      await publisher.publish(END_SESSION_CHANNEL, JSON.stringify({ sessionId: target, origin: 'listener' }));
      await publisher.publish(END_SESSION_CHANNEL, JSON.stringify({ sessionId: target, origin: 'other' }));
      await waitFor(() => capture.lines.some((line) => line.msg === 'remote end-session failed'), 5_000, 'remote failure logged');
      expect(calls).toEqual([target]);
      expect(capture.lines.filter((line) => line.msg === 'ignored a malformed end-session notice')).toHaveLength(2);
    } finally {
      await listener.close();
      await listener.close();
      await publisher.quit();
    }
  });

  it('keeps serving when Redis goes down: limits fail open, readiness reports it', async () => {
    await redis.stop();
    try {
      const report = await http<ReadinessReport>(a.baseUrl, '/readyz');
      expect(report.status).toBe(200);
      expect(report.body.checks.limiter).toEqual({ status: expect.stringMatching(/down|connecting/), backend: 'redis' });
      const client = await a.connect(await a.token(`outage-${randomUUID()}`));
      client.send({ type: 'send', clientMessageId: randomUUID(), content: 'still there?' });
      const done = await nextFrame(client, 'done', undefined, 10_000);
      expect(done.status).toBe('complete');
      const admin = await a.token(`outage-admin-${randomUUID()}`, ['admin']);
      expect((await http(a.baseUrl, '/chat/admin/sessions', { headers: adminHeaders(admin) })).status).toBe(200);
      const metrics = await http(a.baseUrl, '/metrics');
      expect(metrics.text).toMatch(/^chatbox_rate_limiter_backend_errors_total\{operation="consume"\} [1-9]/m);
    } finally {
      await redis.restart();
    }
    await waitFor(async () => (await http<ReadinessReport>(a.baseUrl, '/readyz')).body.checks.limiter.status === 'up', 10_000, 'redis back');
  }, 30_000);
});
