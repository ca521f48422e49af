import { afterEach, describe, expect, it } from '@jest/globals';
import { createDemoProvider, LlmError } from '@chatbox/llm';
import type { LlmChunk, LlmProvider } from '@chatbox/llm';
import { createMemoryStore } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';
import { isRouterError } from '../../src/index.js';
import { countingTimers } from '../support/counting-timers.js';
import { storeWith } from '../support/delegates.js';
import type { Harness, HarnessOptions } from '../support/harness.js';
import { createHarness, sendFrame, sleep, until } from '../support/harness.js';
import {
  createControlBus,
  severable,
  stallingProvider,
  startInstance,
  writingThrough,
} from '../support/instances.js';

let store: MeteredSessionStore;
const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  await store.close();
});

function start(options: HarnessOptions = {}): Harness {
  const h = createHarness({ store, ownStore: false, ...options });
  open.push(h);
  return h;
}

const HEARTBEAT_MS = 40;
const STALE_MS = 150;
const CLOCK_SLACK_MS = 10;

async function streamingOn(h: Harness, userId = 'user-1') {
  const conn = h.connect(userId);
  await h.router.handle(conn, sendFrame('think hard'));
  await conn.waitFor('delta');
  return { conn, sessionId: conn.of('session')[0]!.sessionId };
}

describe('heartbeat on the streaming message (issue 11, R5)', () => {
  it('keeps a silent stream fresh: no token for 4 stale times, and no sweep marks it', async () => {
    store = createMemoryStore();
    const a = start({
      llm: stallingProvider('thinking'),
      heartbeatIntervalMs: HEARTBEAT_MS,
      staleStreamingAfterMs: STALE_MS,
    });
    const b = start({ heartbeatIntervalMs: HEARTBEAT_MS, staleStreamingAfterMs: STALE_MS });
    const { sessionId } = await streamingOn(a);
    const before = (await store.getMessages(sessionId))[1]!.updatedAt.getTime();
    for (let i = 0; i < 8; i += 1) {
      await sleep(STALE_MS / 2);
      expect(await b.router.sweepStale()).toBe(0);
    }
    const message = (await store.getMessages(sessionId))[1]!;
    expect(message).toMatchObject({ status: 'streaming', content: 'thinking' });
    expect(message.updatedAt.getTime()).toBeGreaterThan(before + STALE_MS);
  });

  it('is cleared on every exit path: complete, cancel, upstream error, disconnect, end, shutdown', async () => {
    store = createMemoryStore();
    const timers = countingTimers();
    const beats: number[] = [];
    let failAfterText = false;
    const stalling = stallingProvider('partial');
    const failing: LlmProvider = {
      ...stalling,
      async *stream(request, options): AsyncIterable<LlmChunk> {
        if (!failAfterText) {
          yield* stalling.stream(request, options);
          return;
        }
        yield { type: 'text', text: 'partial' };
        await sleep(3 * HEARTBEAT_MS);
        throw new LlmError('ERR_LLM_INTERRUPTED', 'dropped');
      },
    };
    const h = start({
      llm: failing,
      timers,
      heartbeatIntervalMs: HEARTBEAT_MS,
      staleStreamingAfterMs: STALE_MS,
      wrapStore: (s) =>
        storeWith(s, {
          updateMessage: (id, seq, patch) => {
            beats.push(seq);
            return s.updateMessage(id, seq, patch);
          },
        }),
    });
    const settled = async (): Promise<void> => {
      await until(() => h.router.stats().generations === 0, 2_000);
      expect(timers.pending).toBe(0);
    };
    const exits: ((conn: ReturnType<Harness['connect']>, id: string) => Promise<void>)[] = [
      (conn) => h.router.handle(conn, { type: 'cancel' }),
      async (conn) => conn.close(1006, 'network'),
      async (_conn, id) => void (await h.router.endSession(id)),
      () => h.router.abortAll(),
    ];
    for (const [i, exit] of exits.entries()) {
      const { conn, sessionId } = await streamingOn(h, `user-${i}`);
      const counted = beats.length;
      await until(() => beats.length >= counted + 2, 2_000);
      await exit(conn, sessionId);
      await settled();
    }
    failAfterText = true;
    const { conn } = await streamingOn(h, 'user-error');
    expect(await conn.waitFor('error')).toMatchObject({ code: 'upstream_interrupted' });
    await settled();
    const complete = createHarness({ store, ownStore: false, timers, heartbeatIntervalMs: 10 });
    open.push(complete);
    const done = complete.connect();
    await complete.router.handle(done, sendFrame('quick'));
    await done.waitFor('done');
    await until(() => complete.router.stats().generations === 0);
    expect(timers.pending).toBe(0);
    expect(timers.created).toBeGreaterThan(10);
  });

  it('a failing heartbeat write is logged and counted, and the reply still completes', async () => {
    store = createMemoryStore();
    const h = start({
      llm: createDemoProvider({ delayMs: 20, chunkSize: 2, reply: () => 'slow enough to beat' }),
      heartbeatIntervalMs: 15,
      staleStreamingAfterMs: 30,
      wrapStore: (s) =>
        storeWith(s, { updateMessage: () => Promise.reject(new Error('write refused')) }),
    });
    const conn = h.connect();
    await h.router.handle(conn, sendFrame('go'));
    expect(await conn.waitFor('done')).toMatchObject({ status: 'complete' });
    expect(h.events.some((e) => e.type === 'storage_error')).toBe(true);
  });
});

describe('sweepStale (issue 11, R5)', () => {
  it('A dies mid-stream: B marks the reply interrupted after the stale time; the client following on B is told', async () => {
    store = createMemoryStore();
    const bus = createControlBus();
    const link = severable(store);
    const options = { heartbeatIntervalMs: HEARTBEAT_MS, staleStreamingAfterMs: STALE_MS };
    // A's process dies: its model call hangs and nothing it writes reaches storage any more.
    const a = startInstance('A', bus, store, {
      ...options,
      ...writingThrough(link.view),
      llm: stallingProvider('half a thought'),
    });
    const b = startInstance('B', bus, store, { ...options, followIntervalMs: 20 });
    open.push(a, b);
    const { conn: onA, sessionId } = await streamingOn(a);
    await sleep(HEARTBEAT_MS * 3);
    link.sever();
    const diedAt = Date.now();
    const onB = b.connect();
    await b.router.handle(onB, { type: 'resume', sessionId, lastSeq: 1 });
    expect(onB.of('replay')[0]!.messages[0]).toMatchObject({ seq: 2, status: 'streaming' });
    // The release reaches A (it is a test double of a dead pod: its socket object is closed).
    await bus.settle();
    expect(onA.closed?.code).toBe(4000);
    expect(await b.router.sweepStale()).toBe(0);
    let marked = 0;
    while (marked === 0) {
      await sleep(20);
      marked = await b.router.sweepStale();
    }
    const sweptAfter = Date.now() - diedAt;
    expect(marked).toBe(1);
    // The last heartbeat landed up to one interval before the link was cut; timers and the
    // millisecond clock add a few ms either way.
    expect(sweptAfter).toBeGreaterThanOrEqual(STALE_MS - HEARTBEAT_MS - CLOCK_SLACK_MS);
    expect(sweptAfter).toBeLessThan(STALE_MS + 1_000);
    const error = await onB.waitFor('error');
    expect(error).toMatchObject({ code: 'upstream_interrupted', partial: true, sessionId });
    expect(await onB.waitFor('done')).toMatchObject({ seq: 2, status: 'interrupted' });
    expect(onB.frames.findIndex((f) => f.type === 'error')).toBeLessThan(
      onB.frames.findIndex((f) => f.type === 'done'),
    );
    expect((await store.getMessages(sessionId))[1]).toMatchObject({
      status: 'interrupted',
      errorCode: 'stream_stale',
      content: 'half a thought',
    });
  });

  it('never marks a generation live on this instance, even with a clock far ahead', async () => {
    store = createMemoryStore();
    const a = start({ llm: stallingProvider('alive') });
    const dead = start({ llm: stallingProvider('dead') });
    const { sessionId: liveId } = await streamingOn(a);
    const { sessionId: deadId } = await streamingOn(dead, 'user-2');
    // `dead`'s generation stays registered there but is not this router's.
    const farAhead = Date.now() + 10 * 60_000;
    expect(await a.router.sweepStale(farAhead)).toBe(1);
    expect((await store.getMessages(liveId))[1]!.status).toBe('streaming');
    expect((await store.getMessages(deadId))[1]!.status).toBe('interrupted');
  });

  it('refuses without markStaleStreaming, skips when it cannot vouch for its own streams, 0 once closed', async () => {
    store = createMemoryStore();
    const without = start({
      wrapStore: (s) => ({ ...storeWith(s), markStaleStreaming: undefined }),
    });
    const error = await without.router.sweepStale().catch((e: unknown) => e);
    expect(isRouterError(error) && error.code).toBe('ERR_ROUTER_INVALID_OPTIONS');
    let marks = 0;
    let refuse = false;
    const h = start({
      llm: stallingProvider('busy'),
      wrapStore: (s) =>
        storeWith(s, {
          updateMessage: (id, seq, patch) =>
            refuse ? Promise.reject(new Error('down')) : s.updateMessage(id, seq, patch),
          markStaleStreaming: (olderThan) => {
            marks += 1;
            return s.markStaleStreaming(olderThan);
          },
        }),
    });
    await streamingOn(h);
    refuse = true;
    const skipped = await h.router.sweepStale().catch((e: unknown) => e);
    expect(isRouterError(skipped) && skipped.code).toBe('ERR_ROUTER_STORAGE_UNAVAILABLE');
    expect(marks).toBe(0);
    refuse = false;
    expect(await h.router.sweepStale()).toBe(0);
    expect(marks).toBe(1);
    await h.router.close();
    expect(await h.router.sweepStale()).toBe(0);
    expect(marks).toBe(1);
  });
});
