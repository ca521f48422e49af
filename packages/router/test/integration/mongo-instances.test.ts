import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import { createMongoStore } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';
import { startMongo, uniqueDbName } from '@chatbox/testkit';
import type { MongoServer } from '@chatbox/testkit';
import type { Harness } from '../support/harness.js';
import { sendFrame, sleep, until } from '../support/harness.js';
import type { ControlBus } from '../support/instances.js';
import {
  contiguous,
  createControlBus,
  severable,
  stallingProvider,
  startInstance,
  writingThrough,
} from '../support/instances.js';

// Two instances, each with its own MongoDB client on one database, as two pods would have.
let mongo: MongoServer;
let storeA: MeteredSessionStore;
let storeB: MeteredSessionStore;
let bus: ControlBus;
const open: Harness[] = [];

function connect(database: string): Promise<MeteredSessionStore> {
  return createMongoStore({
    uri: `mongodb://${mongo.host}:${mongo.port}/?directConnection=true`,
    database,
    serverSelectionTimeoutMs: 2_000,
    retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50, deadlineMs: 2_000 },
  });
}

beforeAll(async () => {
  mongo = await startMongo();
  const database = uniqueDbName('router-instances');
  storeA = await connect(database);
  storeB = await connect(database);
}, 120_000);

afterEach(async () => {
  await bus?.settle();
  for (const h of open.splice(0)) await h.close();
});

afterAll(async () => {
  await storeA?.close();
  await storeB?.close();
  await mongo?.close();
});

const HEARTBEAT_MS = 100;
const STALE_MS = 400;

describe('several instances on MongoDB (issue 11)', () => {
  it('a client streaming on A reconnects to B and gets the complete reply, every seq and character once', async () => {
    bus = createControlBus();
    const reply = (): string => 'mongo '.repeat(50).trim();
    const a = startInstance('A', bus, storeA, {
      llm: createDemoProvider({ delayMs: 15, chunkSize: 6, reply }),
    });
    const b = startInstance('B', bus, storeB, { followIntervalMs: 50 });
    open.push(a, b);
    const onA = a.connect('mongo-user');
    await a.router.handle(onA, sendFrame('tell me'));
    const sessionId = onA.of('session')[0]!.sessionId;
    await onA.waitFor('delta', (d) => d.offset >= 60);
    const onB = b.connect('mongo-user');
    await b.router.handle(onB, { type: 'resume', sessionId, lastSeq: 1 });
    await bus.settle();
    expect(onA.closed).toEqual({ code: 4000, reason: 'replaced' });
    const replay = onB.of('replay')[0]!;
    expect(replay.messages.map((m) => [m.seq, m.status])).toEqual([[2, 'streaming']]);
    const partial = replay.messages[0]!.content;
    expect(await onB.waitFor('done', () => true, 10_000)).toMatchObject({
      seq: 2,
      status: 'complete',
    });
    expect(contiguous(onB.of('delta'), 2, partial.length)).toBe(true);
    expect(onB.textOf(2, partial)).toBe(reply());
    await until(() => a.router.stats().generations === 0);
    await b.router.handle(onB, sendFrame('more'));
    await onB.waitFor('done', (d) => d.seq === 4, 10_000);
    const stored = await storeB.getMessages(sessionId);
    expect(stored.map((m) => [m.seq, m.status])).toEqual([
      [1, 'complete'],
      [2, 'complete'],
      [3, 'complete'],
      [4, 'complete'],
    ]);
    expect(stored[1]!.content).toBe(reply());
  });

  it('the heartbeat keeps a silent stream alive; when A dies, B sweeps it interrupted and its client is told', async () => {
    bus = createControlBus();
    const link = severable(storeA);
    const options = { heartbeatIntervalMs: HEARTBEAT_MS, staleStreamingAfterMs: STALE_MS };
    const a = startInstance('A', bus, storeA, {
      ...options,
      ...writingThrough(link.view),
      llm: stallingProvider('a long pause'),
    });
    const b = startInstance('B', bus, storeB, { ...options, followIntervalMs: 50 });
    open.push(a, b);
    const onA = a.connect('mongo-user-2');
    await a.router.handle(onA, sendFrame('think'));
    const sessionId = onA.of('session')[0]!.sessionId;
    await onA.waitFor('delta');
    // No token for three stale times: only the heartbeat (storage's heartbeatAt) keeps it alive.
    for (let i = 0; i < 6; i += 1) {
      await sleep(STALE_MS / 2);
      expect(await b.router.sweepStale()).toBe(0);
    }
    link.sever();
    const diedAt = Date.now();
    const onB = b.connect('mongo-user-2');
    await b.router.handle(onB, { type: 'resume', sessionId, lastSeq: 1 });
    let marked = 0;
    while (marked === 0) {
      await sleep(50);
      marked = await b.router.sweepStale();
    }
    expect(marked).toBe(1);
    expect(Date.now() - diedAt).toBeLessThan(STALE_MS + 3_000);
    expect(await onB.waitFor('error')).toMatchObject({
      code: 'upstream_interrupted',
      partial: true,
    });
    expect(await onB.waitFor('done')).toMatchObject({ seq: 2, status: 'interrupted' });
    expect((await storeB.getMessages(sessionId))[1]).toMatchObject({
      status: 'interrupted',
      errorCode: 'stream_stale',
      content: 'a long pause',
    });
  });
});
