import { afterEach, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import { createMemoryStore } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';
import { CLOSE_CODES } from '../../src/index.js';
import type { Harness } from '../support/harness.js';
import { createHarness, sendFrame, until } from '../support/harness.js';
import type { ControlBus } from '../support/instances.js';
import { contiguous, createControlBus, startInstance } from '../support/instances.js';

// Two routers on ONE store are two instances behind a Service; the bus is the server's Redis
// channel. A client "reconnects" by opening a connection on the other router without closing the
// first one: the network dropped, so the first instance never saw a close.
let store: MeteredSessionStore;
let bus: ControlBus;
const open: Harness[] = [];
afterEach(async () => {
  await bus.settle();
  for (const h of open.splice(0)) await h.close();
  await store.close();
});

function instances(aOptions: Parameters<typeof startInstance>[3] = {}): { a: Harness; b: Harness } {
  store = createMemoryStore();
  bus = createControlBus();
  const a = startInstance('A', bus, store, aOptions);
  const b = startInstance('B', bus, store, { followIntervalMs: 20 });
  open.push(a, b);
  return { a, b };
}

const reply = (): string => 'word '.repeat(60).trim();
const slow = (): Parameters<typeof startInstance>[3] => ({
  llm: createDemoProvider({ delayMs: 15, chunkSize: 5, reply }),
});

/** A client streaming on A whose network drops; it resumes on B with the last seq it completed. */
async function movedToB(a: Harness, b: Harness) {
  const onA = a.connect();
  await a.router.handle(onA, sendFrame('tell me'));
  const sessionId = onA.of('session')[0]!.sessionId;
  await onA.waitFor('delta', (d) => d.offset >= 40);
  const onB = b.connect();
  await b.router.handle(onB, { type: 'resume', sessionId, lastSeq: 1 });
  await bus.settle();
  return { onA, onB, sessionId };
}

describe('several instances sharing one store (issue 11)', () => {
  it('a client streaming on A reconnects to B and gets the complete reply: every seq and character once', async () => {
    const { a, b } = instances(slow());
    const { onA, onB, sessionId } = await movedToB(a, b);
    const replay = onB.of('replay')[0]!;
    expect(replay.messages.map((m) => [m.seq, m.role, m.status])).toEqual([
      [2, 'assistant', 'streaming'],
    ]);
    const partial = replay.messages[0]!.content;
    expect(reply().startsWith(partial)).toBe(true);
    // B's binding reached A: its stale socket is closed, its generation keeps streaming to storage.
    expect(onA.closed).toEqual({ code: CLOSE_CODES.replaced, reason: 'replaced' });
    expect(bus.log).toContain(`A release ${sessionId} true`);
    expect(a.router.stats()).toMatchObject({ connections: 0, sessionsBound: 0, generations: 1 });
    const done = await onB.waitFor('done');
    expect(done).toMatchObject({ sessionId, seq: 2, status: 'complete' });
    expect(onB.of('error')).toHaveLength(0);
    expect(onB.of('done')).toHaveLength(1);
    expect(contiguous(onB.of('delta'), 2, partial.length)).toBe(true);
    expect(onB.textOf(2, partial)).toBe(reply());
    await until(() => a.router.stats().generations === 0);
    // A forgets the session once its generation is stored: B appends to it from now on.
    expect(a.sessions.get(sessionId)).toBeUndefined();
    expect(b.sessions.history(sessionId).find((m) => m.seq === 2)).toMatchObject({
      status: 'complete',
      content: reply(),
    });
    await b.router.handle(onB, sendFrame('and then?'));
    expect(onB.of('ack')[0]).toMatchObject({ sessionId, seq: 3, duplicate: false });
    await onB.waitFor('done', (d) => d.seq === 4);
    const stored = await store.getMessages(sessionId);
    expect(stored.map((m) => [m.seq, m.status])).toEqual([
      [1, 'complete'],
      [2, 'complete'],
      [3, 'complete'],
      [4, 'complete'],
    ]);
    expect(stored[1]!.content).toBe(reply());
  });

  it('a cancel sent on B reaches the generation on A; B tells its client done{cancelled}', async () => {
    const { a, b } = instances(slow());
    const { onB, sessionId } = await movedToB(a, b);
    const bob = b.connect('bob');
    await b.router.handle(bob, { type: 'cancel', sessionId });
    expect(bob.of('error')[0]).toMatchObject({ code: 'forbidden' });
    await bus.settle();
    expect(bus.log.filter((line) => line.includes('cancel'))).toEqual([]);
    await b.router.handle(onB, { type: 'cancel' });
    await bus.settle();
    expect(bus.log).toContain(`A cancel ${sessionId} true`);
    const done = await onB.waitFor('done');
    expect(done).toMatchObject({ seq: 2, status: 'cancelled' });
    expect(onB.of('error')).toHaveLength(0);
    await until(() => a.router.stats().generations === 0, 1_000);
    expect((await store.getMessages(sessionId))[1]).toMatchObject({
      status: 'cancelled',
      errorCode: 'cancelled',
    });
    expect(a.router.cancelGeneration(sessionId)).toBe(false);
  });

  it('cancelGeneration: true once for a running generation, false when nothing runs or the id is bad', async () => {
    const { a } = instances(slow());
    const conn = a.connect();
    await a.router.handle(conn, sendFrame('go'));
    const sessionId = conn.of('session')[0]!.sessionId;
    await conn.waitFor('delta');
    expect(a.router.cancelGeneration('{"$ne":null}')).toBe(false);
    expect(a.router.cancelGeneration('00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(a.router.cancelGeneration(sessionId)).toBe(true);
    expect(a.router.cancelGeneration(sessionId)).toBe(false);
    expect(await conn.waitFor('done')).toMatchObject({ status: 'cancelled' });
  });

  it('an admin ends through B a session A holds; A, told by the server, closes 4002 and cancels', async () => {
    const { a, b } = instances(slow());
    const onA = a.connect();
    await a.router.handle(onA, sendFrame('go'));
    const sessionId = onA.of('session')[0]!.sessionId;
    await onA.waitFor('delta');
    expect(b.sessions.get(sessionId)).toBeUndefined();
    expect(await b.router.endSession(sessionId, { reason: 'admin' })).toBe(true);
    expect((await store.getSession(sessionId))!.isActive).toBe(false);
    // What the server's subscriber does on A with the published notice.
    expect(await a.router.endSession(sessionId, { reason: 'admin' })).toBe(true);
    expect(onA.closed).toEqual({ code: CLOSE_CODES.sessionEnded, reason: 'session_ended' });
    expect((await store.getMessages(sessionId))[1]).toMatchObject({ status: 'cancelled' });
    expect((await store.getSession(sessionId))!.isActive).toBe(false);
    expect(await b.router.endSession(sessionId)).toBe(false);
    expect(await b.router.endSession('00000000-0000-4000-8000-000000000000')).toBe(false);
  });

  it("a client's end_session on B is forwarded: A stops the generation it still runs", async () => {
    const { a, b } = instances(slow());
    const { onB, sessionId } = await movedToB(a, b);
    expect(a.router.stats().generations).toBe(1);
    await b.router.handle(onB, { type: 'end_session' });
    expect(onB.closed).toEqual({ code: CLOSE_CODES.sessionEnded, reason: 'session_ended' });
    await bus.settle();
    expect(bus.log).toContain(`A end ${sessionId} true`);
    await until(() => a.router.stats().generations === 0, 1_000);
    expect((await store.getMessages(sessionId))[1]).toMatchObject({ status: 'cancelled' });
    expect((await store.getSession(sessionId))!.isActive).toBe(false);
  });

  it('releaseSession keeps a binding newer than the notice and refuses bad or unknown ids', async () => {
    let now = 1_000_000;
    store = createMemoryStore();
    bus = createControlBus();
    const a = createHarness({ store, ownStore: false, clock: () => now });
    open.push(a);
    const conn = a.connect();
    await a.router.handle(conn, sendFrame('hi'));
    const sessionId = conn.of('session')[0]!.sessionId;
    await conn.waitFor('done');
    await until(() => a.router.stats().generations === 0);
    now += 10;
    expect(a.router.releaseSession('not-an-id')).toBe(false);
    expect(a.router.releaseSession('00000000-0000-4000-8000-000000000000')).toBe(false);
    // The client came back here after the other instance bound it: the late notice is ignored.
    expect(a.router.releaseSession(sessionId, { boundBefore: 1_000_000 })).toBe(false);
    expect(conn.closed).toBeUndefined();
    expect(a.router.releaseSession(sessionId, { boundBefore: now, reason: 'test' })).toBe(true);
    expect(conn.closed).toEqual({ code: 4000, reason: 'replaced' });
    expect(a.router.sessionOf(conn)).toBeUndefined();
    expect(a.sessions.get(sessionId)).toBeUndefined();
    expect(a.router.releaseSession(sessionId)).toBe(false);
  });

  it('A → B → A: the session comes back to A from storage, seq continues without a conflict', async () => {
    const { a, b } = instances();
    const first = a.connect();
    await a.router.handle(first, sendFrame('one'));
    const sessionId = first.of('session')[0]!.sessionId;
    await first.waitFor('done');
    await until(() => a.router.stats().generations === 0);
    const onB = b.connect();
    await b.router.handle(onB, { type: 'resume', sessionId, lastSeq: 2 });
    await bus.settle();
    expect(first.closed?.code).toBe(4000);
    expect(a.sessions.get(sessionId)).toBeUndefined();
    await b.router.handle(onB, sendFrame('two'));
    await onB.waitFor('done', (d) => d.seq === 4);
    await until(() => b.router.stats().generations === 0);
    const back = a.connect();
    await a.router.handle(back, { type: 'resume', sessionId, lastSeq: 4 });
    await bus.settle();
    expect(onB.closed?.code).toBe(4000);
    await a.router.handle(back, sendFrame('three'));
    expect(back.of('ack')[0]).toMatchObject({ seq: 5, duplicate: false });
    await back.waitFor('done', (d) => d.seq === 6);
    expect((await store.getMessages(sessionId)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a lost release notice: the stale copy on A is reloaded on resume, or after a send hits a taken seq', async () => {
    store = createMemoryStore();
    bus = createControlBus();
    // No bus between them: every notice is lost.
    const a = createHarness({ store, ownStore: false });
    const b = createHarness({ store, ownStore: false });
    open.push(a, b);
    const first = a.connect();
    await a.router.handle(first, sendFrame('one'));
    const sessionId = first.of('session')[0]!.sessionId;
    await first.waitFor('done');
    await until(() => a.router.stats().generations === 0);
    const onB = b.connect();
    await b.router.handle(onB, { type: 'resume', sessionId, lastSeq: 2 });
    await b.router.handle(onB, sendFrame('two'));
    await onB.waitFor('done', (d) => d.seq === 4);
    await until(() => b.router.stats().generations === 0);
    expect(a.sessions.get(sessionId)!.lastSeq).toBe(2);
    // Straight to a send on A's stale copy: seq 3 is taken; the retry gets seq 5.
    const retry = sendFrame('three', { sessionId });
    await a.router.handle(first, retry);
    expect(first.of('error')[0]).toMatchObject({ code: 'storage_unavailable', retryable: true });
    expect(a.sessions.get(sessionId)!.lastSeq).toBe(4);
    await a.router.handle(first, retry);
    expect(first.of('ack')[1]).toMatchObject({ seq: 5, duplicate: false });
    await first.waitFor('done', (d) => d.seq === 6);
    await until(() => a.router.stats().generations === 0);
    // B's copy is stale now; the client's lastSeq proves it on resume.
    await b.router.handle(onB, { type: 'resume', sessionId, lastSeq: 6 });
    expect(b.sessions.get(sessionId)!.lastSeq).toBe(6);
    await b.router.handle(onB, sendFrame('four'));
    expect(onB.of('ack').at(-1)).toMatchObject({ seq: 7, duplicate: false });
    await onB.waitFor('done', (d) => d.seq === 8);
  });
});
