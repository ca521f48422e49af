import { afterEach, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import { createMemoryStore } from '@chatbox/storage';
import { storeWith } from '../support/delegates.js';
import type { Harness, HarnessOptions } from '../support/harness.js';
import { createHarness, sendFrame, until } from '../support/harness.js';

let harness: Harness | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function start(options: HarnessOptions = {}): Harness {
  harness = createHarness(options);
  return harness;
}

const slowReply = (): string => 'word '.repeat(40).trim();

describe('resume (R6)', () => {
  it('after a dropped connection: the reply was interrupted within 1 s, the replay has it once', async () => {
    const h = start({ llm: createDemoProvider({ delayMs: 20, chunkSize: 5, reply: slowReply }) });
    const a = h.connect();
    await h.router.handle(a, sendFrame('tell me'));
    const sessionId = a.of('session')[0]!.sessionId;
    await a.waitFor('delta', (d) => d.offset >= 10);
    const droppedAt = Date.now();
    a.close(1006, 'network');
    await until(() => h.router.stats().generations === 0, 1_000);
    expect(Date.now() - droppedAt).toBeLessThan(1_000);
    const b = h.connect();
    await h.router.handle(b, { type: 'resume', sessionId, lastSeq: 0 });
    expect(b.of('session')[0]).toMatchObject({ sessionId, resumed: true, lastSeq: 2 });
    const replay = b.of('replay')[0]!;
    expect(replay.messages.map((m) => [m.seq, m.role, m.status])).toEqual([
      [1, 'user', 'complete'],
      [2, 'assistant', 'interrupted'],
    ]);
    expect(replay.lastSeq).toBe(2);
    expect(replay.messages[1]!.content.length).toBeGreaterThanOrEqual(10);
    expect(slowReply().startsWith(replay.messages[1]!.content)).toBe(true);
    // The resumed connection owns the session now: a send without an id continues it.
    await h.router.handle(b, sendFrame('go on'));
    expect(b.of('ack')[0]).toMatchObject({ sessionId, seq: 3 });
    await b.waitFor('done', (d) => d.seq === 4);
  });

  it('while the reply still streams: the old socket is replaced, the new one gets the rest exactly once', async () => {
    const h = start({ llm: createDemoProvider({ delayMs: 15, chunkSize: 5, reply: slowReply }) });
    const a = h.connect();
    await h.router.handle(a, sendFrame('tell me'));
    const sessionId = a.of('session')[0]!.sessionId;
    await a.waitFor('delta', (d) => d.offset >= 20);
    const b = h.connect();
    await h.router.handle(b, { type: 'resume', sessionId, lastSeq: 1 });
    expect(a.closed).toEqual({ code: 4000, reason: 'replaced' });
    const replay = b.of('replay')[0]!;
    expect(replay.messages).toHaveLength(1);
    const partial = replay.messages[0]!;
    expect(partial).toMatchObject({ seq: 2, role: 'assistant', status: 'streaming' });
    const done = await b.waitFor('done');
    expect(done).toMatchObject({ seq: 2, status: 'complete' });
    const deltas = b.of('delta');
    expect(deltas[0]!.offset).toBe(partial.content.length);
    expect(b.textOf(2, partial.content)).toBe(slowReply());
    expect((await h.store.getMessages(sessionId))[1]!.content).toBe(slowReply());
    expect(h.router.sessionOf(b)).toBe(sessionId);
    expect(h.router.stats()).toMatchObject({ connections: 1, sessionsBound: 1 });
  });

  it('checks ownership and existence before binding anything', async () => {
    const h = start();
    const alice = h.connect('alice');
    await h.router.handle(alice, sendFrame('mine'));
    const sessionId = alice.of('session')[0]!.sessionId;
    await alice.waitFor('done');
    const bob = h.connect('bob');
    await h.router.handle(bob, { type: 'resume', sessionId, lastSeq: 0 });
    expect(bob.of('error')[0]).toMatchObject({ code: 'forbidden', sessionId });
    expect(bob.of('replay')).toHaveLength(0);
    await h.router.handle(bob, {
      type: 'resume',
      sessionId: '00000000-0000-4000-8000-000000000000',
      lastSeq: 0,
    });
    expect(bob.of('error')[1]).toMatchObject({ code: 'session_not_found' });
    expect(h.router.sessionOf(bob)).toBeUndefined();
    expect(alice.closed).toBeUndefined();
  });

  it('restores from storage on another instance and pages a long replay', async () => {
    const store = createMemoryStore();
    cleanups.push(() => store.close());
    const first = createHarness({ store, ownStore: false });
    const conn = first.connect();
    for (const text of ['one', 'two']) {
      await first.router.handle(conn, sendFrame(text));
      await conn.waitFor('done', (d) => d.seq === conn.of('ack').at(-1)!.seq + 1);
      await until(() => first.router.stats().generations === 0);
    }
    const sessionId = conn.of('session')[0]!.sessionId;
    await first.close();
    const h = start({ store, ownStore: false, maxReplayMessages: 3 });
    const b = h.connect();
    await h.router.handle(b, { type: 'resume', sessionId, lastSeq: 0 });
    const replay = b.of('replay')[0]!;
    expect(replay.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(replay.lastSeq).toBe(3);
    await h.router.handle(b, { type: 'resume', sessionId, lastSeq: replay.lastSeq });
    expect(b.of('replay')[1]!.messages.map((m) => m.seq)).toEqual([4]);
    await h.router.handle(b, { type: 'resume', sessionId, lastSeq: 4 });
    expect(b.of('replay')[2]).toMatchObject({ messages: [], lastSeq: 4 });
  });

  it('adds what memory holds beyond a lagging storage read, without duplicates', async () => {
    let lag = false;
    const h = start({
      wrapStore: (store) =>
        storeWith(store, {
          getMessages: async (id, o) =>
            (await store.getMessages(id, o)).filter((m) => !lag || m.seq <= 1),
        }),
    });
    const a = h.connect();
    await h.router.handle(a, sendFrame('hello'));
    const sessionId = a.of('session')[0]!.sessionId;
    await a.waitFor('done');
    await until(() => h.router.stats().generations === 0);
    lag = true;
    await h.router.handle(a, { type: 'resume', sessionId, lastSeq: 0 });
    const replay = a.of('replay')[0]!;
    expect(replay.messages.map((m) => [m.seq, m.status])).toEqual([
      [1, 'complete'],
      [2, 'complete'],
    ]);
    expect(a.closed).toBeUndefined();
  });
});
