import { afterEach, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import { CLOSE_CODES, isRouterError } from '../../src/index.js';
import { FakeConnection } from '../support/fake-connection.js';
import { storeWith } from '../support/delegates.js';
import type { Harness, HarnessOptions } from '../support/harness.js';
import { createHarness, sendFrame, until } from '../support/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function start(options: HarnessOptions = {}): Harness {
  harness = createHarness({
    llm: createDemoProvider({
      delayMs: 15,
      chunkSize: 4,
      reply: () => 'a fairly long canned reply '.repeat(8),
    }),
    ...options,
  });
  return harness;
}

async function streaming(h: Harness, conn: FakeConnection): Promise<string> {
  await h.router.handle(conn, sendFrame('go'));
  await conn.waitFor('delta');
  return conn.of('session').at(-1)!.sessionId;
}

describe('cancel, end_session, detach and shutdown (R9, R10)', () => {
  it('cancel aborts the call: stored cancelled, done{cancelled}, slot free', async () => {
    const h = start();
    const conn = h.connect();
    const sessionId = await streaming(h, conn);
    await h.router.handle(conn, { type: 'cancel' });
    const done = await conn.waitFor('done');
    expect(done).toMatchObject({ status: 'cancelled', seq: 2 });
    expect(conn.of('error')).toHaveLength(0);
    await until(() => h.router.stats().generations === 0, 1_000);
    const stored = await h.store.getMessages(sessionId);
    expect(stored[1]).toMatchObject({ status: 'cancelled', errorCode: 'cancelled' });
    expect(stored[1]!.content).toBe(conn.textOf(2));
    // Nothing running: a second cancel is a no-op.
    await h.router.handle(conn, { type: 'cancel', sessionId });
    expect(conn.frames.at(-1)).toEqual(done);
  });

  it("cancel and end_session for another user's session are refused", async () => {
    const h = start();
    const alice = h.connect('alice');
    const sessionId = await streaming(h, alice);
    const bob = h.connect('bob');
    await h.router.handle(bob, { type: 'cancel', sessionId });
    await h.router.handle(bob, { type: 'end_session', sessionId });
    expect(bob.of('error').map((e) => e.code)).toEqual(['forbidden', 'forbidden']);
    await h.router.handle(bob, { type: 'end_session' });
    expect(bob.of('error')[2]).toMatchObject({ code: 'session_not_found' });
    expect(h.router.stats().generations).toBe(1);
    expect(alice.closed).toBeUndefined();
  });

  it('end_session aborts (cancelled), ends in memory and storage, closes 4002', async () => {
    const h = start();
    const conn = h.connect();
    const sessionId = await streaming(h, conn);
    await h.router.handle(conn, { type: 'end_session' });
    expect(conn.closed).toEqual({ code: CLOSE_CODES.sessionEnded, reason: 'session_ended' });
    expect(h.router.stats()).toMatchObject({ connections: 0, sessionsBound: 0, generations: 0 });
    expect(h.sessions.get(sessionId)!.isActive).toBe(false);
    expect((await h.store.getSession(sessionId))!.isActive).toBe(false);
    expect((await h.store.getMessages(sessionId))[1]).toMatchObject({ status: 'cancelled' });
    expect(await h.router.endSession(sessionId)).toBe(false);
  });

  it('endSession (admin) ends a session this instance does not hold, and refuses bad ids', async () => {
    const h = start();
    const conn = h.connect();
    await h.router.handle(conn, sendFrame('hi'));
    const sessionId = conn.of('session')[0]!.sessionId;
    await conn.waitFor('done');
    await until(() => h.router.stats().generations === 0);
    const other = createHarness({ store: h.store, ownStore: false });
    try {
      expect(await other.router.endSession(sessionId, { reason: 'admin' })).toBe(true);
      expect((await h.store.getSession(sessionId))!.isActive).toBe(false);
      expect(await other.router.endSession('00000000-0000-4000-8000-000000000000')).toBe(false);
      expect(await other.router.endSession('{"$ne":null}')).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('endSession rejects with ERR_ROUTER_STORAGE_UNAVAILABLE when storage fails; the client gets an error frame', async () => {
    const h = start({
      wrapStore: (store) =>
        storeWith(store, {
          endSession: () => Promise.reject(new Error('down')),
        }),
    });
    const conn = h.connect();
    await h.router.handle(conn, sendFrame('hi'));
    const sessionId = conn.of('session')[0]!.sessionId;
    const other = h.connect();
    await h.router.handle(other, { type: 'end_session', sessionId });
    expect(other.of('error')[0]).toMatchObject({ code: 'storage_unavailable', sessionId });
    expect(conn.closed?.code).toBe(4002);
    const second = h.connect();
    await h.router.handle(second, sendFrame('again'));
    const error = await h.router
      .endSession(second.of('session')[0]!.sessionId)
      .catch((e: unknown) => e);
    expect(isRouterError(error) && error.code).toBe('ERR_ROUTER_STORAGE_UNAVAILABLE');
  });

  it('abortAll stores partials interrupted and tells the client; idle() reports', async () => {
    const h = start();
    const conns = [h.connect('u1'), h.connect('u2'), h.connect('u3')];
    const ids = await Promise.all(conns.map((c) => streaming(h, c)));
    expect(h.router.stats().generations).toBe(3);
    expect(await h.router.idle(20)).toBe(false);
    const idle = h.router.idle(5_000);
    await h.router.abortAll();
    expect(await idle).toBe(true);
    expect(await h.router.idle(0)).toBe(true);
    for (const [i, conn] of conns.entries()) {
      const error = conn.of('error')[0]!;
      expect(error).toMatchObject({ code: 'upstream_interrupted', partial: true, retryable: true });
      expect(conn.of('done')[0]).toMatchObject({ status: 'interrupted' });
      const stored = await h.store.getMessages(ids[i]!);
      expect(stored[1]).toMatchObject({ status: 'interrupted', errorCode: 'server_shutdown' });
      expect(stored[1]!.content).toBe(conn.textOf(2));
    }
  });

  it('close() is idempotent, refuses sends afterwards and clears the registry', async () => {
    const h = start();
    const conn = h.connect();
    await streaming(h, conn);
    await Promise.all([h.router.close(), h.router.close()]);
    expect(h.router.stats()).toEqual({ connections: 0, sessionsBound: 0, generations: 0 });
    const late = new FakeConnection();
    h.router.attach(late);
    await h.router.handle(late, sendFrame('ignored'));
    expect(late.frames).toHaveLength(0);
    expect(h.router.stats().connections).toBe(0);
  });

  it('answers ping with pong and ignores frames of a detached connection', async () => {
    const h = start();
    const conn = h.connect();
    await h.router.handle(conn, { type: 'ping', id: 'p-1' });
    await h.router.handle(conn, { type: 'ping' });
    expect(conn.of('pong')).toEqual([{ type: 'pong', id: 'p-1' }, { type: 'pong' }]);
    h.router.detach(conn);
    h.router.detach(conn);
    await h.router.handle(conn, sendFrame('late'));
    expect(conn.frames).toHaveLength(2);
    expect(h.router.stats().connections).toBe(0);
  });

  it('survives a throwing socket, a throwing close and a throwing metrics hook', async () => {
    const h = start({
      onEvent: () => {
        throw new Error('hook');
      },
    });
    const old = h.connect();
    const sessionId = await streaming(h, old);
    old.close = () => {
      throw new Error('close failed');
    };
    const next = h.connect();
    await h.router.handle(next, { type: 'resume', sessionId, lastSeq: 0 });
    expect(h.router.sessionOf(next)).toBe(sessionId);
    next.send = () => {
      throw new Error('socket gone');
    };
    await h.router.handle(next, { type: 'ping' });
    await h.router.handle(next, { type: 'cancel' });
    await until(() => h.router.stats().generations === 0, 1_000);
    expect((await h.store.getMessages(sessionId))[1]!.status).toBe('cancelled');
  });
});
