import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createMongoStore } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';
import { randomSecret, recordFigure, startMongo, startRedis, uniqueDbName } from '@chatbox/testkit';
import type { MongoServer, RedisServer, WsTestClient } from '@chatbox/testkit';
import { Redis } from 'ioredis';
import { waitFor } from '../support/harness.js';
import { nextFrame, received } from '../support/frames.js';
import { demoReply, followResumedReply, startFleet } from '../support/fleet.js';
import type { Fleet } from '../support/fleet.js';
import { logLines } from '../support/process.js';
import type { ServerProcess } from '../support/process.js';

const CONTROL_CHANNEL = 'chatbox:control';
const STALE_MS = 3_000;
/** clusterTiming: stale / 3 heartbeat, stale / 2 sweep. */
const SWEEP_MS = STALE_MS / 2;
const TOKEN_DELAY_MS = 150;
/** 200 characters: a reply of ~280 characters, 24 chunks of 12, ~3.6 s at 150 ms a chunk. */
const LONG_QUESTION = 'Tell me everything. '.repeat(10);

// Issue 11: three real server processes (replicas behind a Service, no sticky sessions) on one
// MongoDB-compatible server and one Redis. C is the one that gets SIGKILLed.
describe('several instances: shared limits, control channel, resume and crash recovery across processes', () => {
  let mongo: MongoServer;
  let redisServer: RedisServer;
  let redis: Redis;
  let fleet: Fleet;
  let store: MeteredSessionStore;
  let a: ServerProcess;
  let b: ServerProcess;
  let c: ServerProcess;

  beforeAll(async () => {
    [mongo, redisServer] = await Promise.all([startMongo(), startRedis()]);
    redis = new Redis(redisServer.url);
    // The test's own client rides through the Redis restart below like the servers do.
    redis.on('error', () => undefined);
    const database = uniqueDbName('cluster');
    const secret = randomSecret();
    fleet = await startFleet(
      ['a', 'b', 'c'],
      {
        CHATBOX_AUTH_JWT_SECRET: secret,
        CHATBOX_STORAGE_BACKEND: 'mongodb',
        CHATBOX_STORAGE_MONGODB_URI: mongo.uri,
        CHATBOX_STORAGE_DATABASE: database,
        CHATBOX_STORAGE_STREAM_FLUSH_INTERVAL_MS: '200',
        CHATBOX_STORAGE_STALE_STREAMING_AFTER_MS: String(STALE_MS),
        CHATBOX_RATE_LIMIT_BACKEND: 'redis',
        CHATBOX_RATE_LIMIT_REDIS_URL: redisServer.url,
        CHATBOX_RATE_LIMIT_MESSAGES_PER_MINUTE: '2',
        CHATBOX_RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE: '100',
        CHATBOX_WEBSOCKET_MAX_CONNECTIONS_PER_USER: '2',
        CHATBOX_LLM_PROVIDER: 'demo',
        CHATBOX_LLM_DEMO_DELAY_MS: String(TOKEN_DELAY_MS),
        CHATBOX_LLM_FIRST_TOKEN_TIMEOUT_MS: '1000',
        CHATBOX_LLM_IDLE_TIMEOUT_MS: '1000',
        CHATBOX_SHUTDOWN_DRAIN_MS: '500',
        CHATBOX_SHUTDOWN_DEADLINE_MS: '3000',
      },
      secret,
    );
    ({ a, b, c } = fleet.servers as Record<'a' | 'b' | 'c', ServerProcess>);
    store = await createMongoStore({ uri: mongo.uri, database });
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
    await store?.close();
    await redis?.quit().catch(() => redis.disconnect());
    await Promise.allSettled([mongo?.close(), redisServer?.close()]);
  });

  async function chat(client: WsTestClient, content: string): Promise<void> {
    const clientMessageId = randomUUID();
    client.send({ type: 'send', clientMessageId, content });
    const { seq } = await nextFrame(
      client,
      'ack',
      (ack) => ack.clientMessageId === clientMessageId,
    );
    expect((await nextFrame(client, 'done', (done) => done.seq === seq + 1, 10_000)).status).toBe(
      'complete',
    );
  }

  /** A user streaming a long reply on `server`: resolves once two deltas have arrived. */
  async function streaming(
    server: ServerProcess,
    user: string,
  ): Promise<{ client: WsTestClient; sessionId: string; token: string }> {
    const token = await fleet.token(user);
    const client = await fleet.connect(server, token);
    client.send({ type: 'send', clientMessageId: randomUUID(), content: LONG_QUESTION });
    const { sessionId } = await nextFrame(client, 'session');
    await nextFrame(client, 'delta', (d) => d.offset > 0, 5_000);
    return { client, sessionId, token };
  }

  /** Admin end through `via`; resolves with the close of `client` and how long it took. */
  async function endAcross(
    via: ServerProcess,
    sessionId: string,
    client: WsTestClient,
  ): Promise<{ status: number; code: number; ms: number }> {
    const started = performance.now();
    const [response, closed] = await Promise.all([
      fleet.admin(via, `/sessions/${sessionId}/end`, 'POST'),
      client.closed.then((close) => ({ ...close, at: performance.now() })),
    ]);
    return { status: response.status, code: closed.code, ms: closed.at - started };
  }

  async function atMessageLimit(first: ServerProcess, second: ServerProcess): Promise<void> {
    const token = await fleet.token(`limited-${randomUUID()}`);
    const onFirst = await fleet.connect(first, token);
    await chat(onFirst, 'one');
    await chat(onFirst, 'two');
    const onSecond = await fleet.connect(second, token);
    onSecond.send({ type: 'send', clientMessageId: randomUUID(), content: 'three' });
    expect(await nextFrame(onSecond, 'error')).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: expect.any(Number),
    });
  }

  it('1. a user at the message limit on A is refused on B; connections are capped across instances', async () => {
    await atMessageLimit(a, b);

    const token = await fleet.token(`sockets-${randomUUID()}`);
    const onA = await fleet.connect(a, token);
    await fleet.connect(b, token);
    await expect(fleet.connect(a, token)).rejects.toMatchObject({
      code: 'ERR_TESTKIT_WS_UPGRADE_REFUSED',
      statusCode: 429,
    });
    await onA.close();
    // The slot is freed in Redis when the socket closes: the user may connect again, anywhere.
    await waitFor(
      async () =>
        await fleet.connect(c, token).then(
          () => true,
          () => false,
        ),
      5_000,
      'slot released',
    );
  }, 30_000);

  it('2. an admin ends a session through B: the connection held on A closes with 4002 within 1 s', async () => {
    const { client, sessionId } = await streaming(a, `ended-${randomUUID()}`);
    const ended = await endAcross(b, sessionId, client);
    recordFigure('11', 'admin end on B to close on A', Math.round(ended.ms), 'ms');
    expect(ended).toMatchObject({ status: 200, code: 4002 });
    expect(ended.ms).toBeLessThan(1_000);
    // A aborted its generation: the reply is stored cancelled, and the session ended.
    await waitFor(
      async () =>
        (await store.getMessages(sessionId)).find((m) => m.seq === 2)?.status === 'cancelled',
      5_000,
      'reply cancelled',
    );
    expect((await store.getSession(sessionId))?.isActive).toBe(false);
  }, 30_000);

  it('3. a client streaming on A that reaches B (the network dropped) ends with the complete reply, once', async () => {
    const { client: onA, sessionId, token } = await streaming(a, `mover-${randomUUID()}`);
    const onB = await fleet.connect(b, token);
    onB.send({ type: 'resume', sessionId, lastSeq: 1 });
    const reply = await followResumedReply(onB, 2);
    expect(reply.replayedStatus).toBe('streaming');
    expect(reply).toMatchObject({ status: 'complete', text: demoReply(LONG_QUESTION) });
    // B's binding released A's: the old socket is closed as replaced, the generation was not aborted.
    expect((await onA.closed).code).toBe(4000);
    await new Promise((resolve) => setTimeout(resolve, 3 * TOKEN_DELAY_MS));
    expect(received(onB, 'done')).toHaveLength(1);
    const stored = await store.getMessages(sessionId);
    expect(stored.map((m) => m.seq)).toEqual([1, 2]);
    expect(stored[1]).toMatchObject({
      role: 'assistant',
      status: 'complete',
      content: demoReply(LONG_QUESTION),
    });
  }, 30_000);

  it('4. SIGKILL of C mid-stream: a survivor marks the reply interrupted after the stale time; the client resuming on B is told', async () => {
    const { sessionId, token } = await streaming(c, `crash-${randomUUID()}`);
    const killedAt = c.signal('SIGKILL');
    await c.exited;
    const onB = await fleet.connect(b, token);
    onB.send({ type: 'resume', sessionId, lastSeq: 1 });
    const reply = await followResumedReply(onB, 2, 15_000);
    const sweepMs = reply.doneAt - killedAt;
    recordFigure('11', 'SIGKILL to interrupted on the resumed client', Math.round(sweepMs), 'ms');
    expect(reply.status).toBe('interrupted');
    if (reply.replayedStatus === 'streaming') {
      expect(received(onB, 'error')).toEqual([
        expect.objectContaining({ code: 'upstream_interrupted', sessionId }),
      ]);
    }
    // Never before the stale time (less the last heartbeat's age), always within stale + one sweep.
    expect(sweepMs).toBeGreaterThan(STALE_MS - 1_000);
    expect(sweepMs).toBeLessThan(STALE_MS + SWEEP_MS + 1_500);
    const stored = (await store.getMessages(sessionId)).find((m) => m.seq === 2);
    expect(stored).toMatchObject({ status: 'interrupted', errorCode: 'stream_stale' });
    expect(demoReply(LONG_QUESTION).startsWith(reply.text)).toBe(true);
    const sweptBy = [a, b].filter((server) =>
      logLines(server).some((line) => line.msg === 'stale streaming replies marked interrupted'),
    );
    expect(sweptBy.length).toBeGreaterThan(0);
  }, 30_000);

  it('5. Redis restarted during traffic: both recover without a restart, the channel works again, limits hold', async () => {
    const { client: streamer } = await streaming(a, `traffic-${randomUUID()}`);
    await redisServer.stop();
    for (const server of [a, b]) {
      await waitFor(
        async () => (await fleet.redisOf(server))?.status !== 'up',
        5_000,
        'outage seen',
      );
      expect((await fleet.redisOf(server))?.subscribed).toBe(false);
    }
    const restartedAt = performance.now();
    await redisServer.restart();
    const recovered = await Promise.all(
      [a, b].map(async (server) => {
        await waitFor(
          async () => (await fleet.redisOf(server))?.status === 'up',
          10_000,
          'redis back up',
        );
        return performance.now() - restartedAt;
      }),
    );
    recordFigure(
      '11',
      'Redis restart to both instances subscribed again',
      Math.round(Math.max(...recovered)),
      'ms',
    );
    // The stream that ran through the outage finished: storage is MongoDB, limits failed open.
    expect((await nextFrame(streamer, 'done', undefined, 10_000)).status).toBe('complete');

    const { client, sessionId } = await streaming(a, `ended-again-${randomUUID()}`);
    const ended = await endAcross(b, sessionId, client);
    recordFigure(
      '11',
      'admin end on B to close on A after the Redis restart',
      Math.round(ended.ms),
      'ms',
    );
    expect(ended).toMatchObject({ status: 200, code: 4002 });
    expect(ended.ms).toBeLessThan(1_000);
    await atMessageLimit(b, a);
  }, 40_000);

  it('6. SIGTERM: the instance unsubscribes from the control channel and exits 0', async () => {
    const count = async (): Promise<number> =>
      ((await redis.pubsub('NUMSUB', CONTROL_CHANNEL)) as [string, number])[1];
    expect(await count()).toBe(2);
    a.signal('SIGTERM');
    expect(await a.exited).toMatchObject({ code: 0 });
    expect(await count()).toBe(1);
    expect(logLines(a).some((line) => line.msg === 'control channel closed')).toBe(true);
  }, 15_000);
});
