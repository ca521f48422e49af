import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import type { LlmRequest } from '@chatbox/llm';
import { createMemoryStore } from '@chatbox/storage';
import { randomSecret, startRedis } from '@chatbox/testkit';
import type { RedisServer, WsTestClient } from '@chatbox/testkit';
import type { ReadinessReport } from '../../src/health.js';
import type { ControlChannelStatus } from '../../src/cluster/control-channel.js';
import { adminHeaders, http, startApp, waitFor } from '../support/harness.js';
import type { RunningApp } from '../support/harness.js';
import { nextFrame } from '../support/frames.js';

const LONG_REPLY = Array.from({ length: 40 }, (_, i) => `Sentence ${i + 1} of a long reply.`).join(
  ' ',
);

/** Replies to "long ..." slowly (about 3 s), to anything else at once. */
function pacedDemo() {
  return createDemoProvider({
    delayMs: 15,
    chunkSize: 8,
    reply: (request: LlmRequest) =>
      request.messages.at(-1)?.content.startsWith('long') === true ? LONG_REPLY : 'ok',
  });
}

const redisOf = async (app: RunningApp): Promise<ControlChannelStatus> =>
  (await http<ReadinessReport>(app.baseUrl, '/readyz')).body.checks.redis as ControlChannelStatus;

const metric = (text: string, series: string): number =>
  Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);

async function endThroughAdmin(on: RunningApp, sessionId: string): Promise<number> {
  const admin = await on.token(`ender-${randomUUID()}`, ['admin']);
  return (
    await http(on.baseUrl, `/chat/admin/sessions/${sessionId}/end`, {
      method: 'POST',
      headers: adminHeaders(admin),
    })
  ).status;
}

async function heldSession(app: RunningApp): Promise<{ client: WsTestClient; sessionId: string }> {
  const client = await app.connect(await app.token(`held-${randomUUID()}`));
  client.send({ type: 'send', clientMessageId: randomUUID(), content: 'hello' });
  const { sessionId } = await nextFrame(client, 'session');
  await nextFrame(client, 'done');
  return { client, sessionId };
}

// Two instances in one process behind one Service: one store, one Redis, no sticky sessions. The
// same flows across real processes are in test/cluster/several-instances.test.ts.
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
      CHATBOX_STORAGE_STREAM_FLUSH_INTERVAL_MS: '100',
    };
    a = await startApp(env, { store, llm: pacedDemo(), instanceId: 'instance-a' });
    b = await startApp(env, { store, llm: pacedDemo(), instanceId: 'instance-b' });
    for (const app of [a, b])
      await waitFor(async () => (await redisOf(app)).status === 'up', 5_000, 'control channel up');
  }, 60_000);

  afterAll(async () => {
    await a.close();
    await b.close();
    await redis.close();
  });

  it('reports both Redis connections and the subscription on /readyz and /metrics', async () => {
    expect(await redisOf(a)).toEqual({
      status: 'up',
      main: 'up',
      subscriber: 'up',
      subscribed: true,
      channel: 'chatbox:control',
      instanceId: 'instance-a',
    });
    const metrics = (await http(a.baseUrl, '/metrics')).text;
    expect(metric(metrics, 'chatbox_redis_up{connection="main"}')).toBe(1);
    expect(metric(metrics, 'chatbox_redis_up{connection="subscriber"}')).toBe(1);
  });

  it('holds one admin limit across instances', async () => {
    const admin = await a.token(`admin-${randomUUID()}`, ['admin']);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push(
        (await http(a.baseUrl, '/chat/admin/sessions', { headers: adminHeaders(admin) })).status,
      );
      statuses.push(
        (await http(b.baseUrl, '/chat/admin/sessions', { headers: adminHeaders(admin) })).status,
      );
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

  it('ends a session from one instance and closes its connection on the other', async () => {
    const before = metric(
      (await http(b.baseUrl, '/metrics')).text,
      'chatbox_control_messages_in_total{type="end_session"}',
    );
    const { client, sessionId } = await heldSession(b);
    expect(await endThroughAdmin(a, sessionId)).toBe(200);
    expect((await client.closed).code).toBe(4002);
    expect(
      metric(
        (await http(b.baseUrl, '/metrics')).text,
        'chatbox_control_messages_in_total{type="end_session"}',
      ),
    ).toBe(before + 1);
    expect(
      metric(
        (await http(a.baseUrl, '/metrics')).text,
        'chatbox_control_messages_out_total{type="end_session"}',
      ),
    ).toBeGreaterThanOrEqual(1);
  });

  it('moves a streaming client to the other instance and forwards its cancel to the generating one', async () => {
    const token = await a.token(`mover-${randomUUID()}`);
    const first = await a.connect(token);
    first.send({ type: 'send', clientMessageId: randomUUID(), content: 'long story please' });
    const { sessionId } = await nextFrame(first, 'session');
    await nextFrame(first, 'delta');
    // The network "drops": the first socket stays open; the client reaches B and resumes.
    const second = await b.connect(token);
    second.send({ type: 'resume', sessionId, lastSeq: 1 });
    const replay = await nextFrame(second, 'replay');
    expect(replay.messages.find((m) => m.seq === 2)?.status).toBe('streaming');
    // B released A's binding through the channel: A closes the old socket as replaced.
    expect((await first.closed).code).toBe(4000);
    await nextFrame(second, 'delta', (delta) => delta.seq === 2, 5_000);
    // Nothing generates on B: the cancel travels to A, which stops; B's follower reports it.
    second.send({ type: 'cancel', sessionId });
    const done = await nextFrame(second, 'done', (frame) => frame.seq === 2, 5_000);
    expect(done.status).toBe('cancelled');
    const admin = await b.token(`reader-${randomUUID()}`, ['admin']);
    const stored = await http<{ messages: { seq: number; status: string; content: string }[] }>(
      b.baseUrl,
      `/chat/admin/sessions/${sessionId}`,
      {
        headers: adminHeaders(admin),
      },
    );
    const reply = stored.body.messages.find((m) => m.seq === 2);
    expect(reply?.status).toBe('cancelled');
    expect(reply!.content.length).toBeLessThan(LONG_REPLY.length);
  });

  it('keeps serving when Redis goes down, reports it, and recovers the channel without a restart', async () => {
    await redis.stop();
    try {
      const report = await http<ReadinessReport>(a.baseUrl, '/readyz');
      expect(report.status).toBe(200);
      expect(report.body.checks.limiter).toEqual({
        status: expect.stringMatching(/down|connecting/),
        backend: 'redis',
      });
      expect(report.body.checks.redis).toMatchObject({
        status: expect.stringMatching(/down|connecting/),
        subscribed: false,
      });
      const client = await a.connect(await a.token(`outage-${randomUUID()}`));
      client.send({ type: 'send', clientMessageId: randomUUID(), content: 'still there?' });
      const done = await nextFrame(client, 'done', undefined, 10_000);
      expect(done.status).toBe('complete');
      const admin = await a.token(`outage-admin-${randomUUID()}`, ['admin']);
      expect(
        (await http(a.baseUrl, '/chat/admin/sessions', { headers: adminHeaders(admin) })).status,
      ).toBe(200);
      const metrics = (await http(a.baseUrl, '/metrics')).text;
      expect(
        metric(metrics, 'chatbox_rate_limiter_backend_errors_total{operation="consume"}'),
      ).toBeGreaterThan(0);
      expect(
        metric(metrics, 'chatbox_control_messages_publish_failures_total{type="session_bound"}'),
      ).toBeGreaterThan(0);
      expect(metric(metrics, 'chatbox_redis_up{connection="subscriber"}')).toBe(0);
    } finally {
      await redis.restart();
    }
    for (const app of [a, b])
      await waitFor(
        async () => (await redisOf(app)).status === 'up',
        10_000,
        'control channel back',
      );
    const { client, sessionId } = await heldSession(a);
    expect(await endThroughAdmin(b, sessionId)).toBe(200);
    expect((await client.closed).code).toBe(4002);
  }, 30_000);
});
