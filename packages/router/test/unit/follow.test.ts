import { afterEach, describe, expect, it } from '@jest/globals';
import { createMemoryStore } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';
import type { ClusterMessageRouter } from '../../src/index.js';
import { countingTimers } from '../support/counting-timers.js';
import type { CountingTimers } from '../support/counting-timers.js';
import { storeWith } from '../support/delegates.js';
import type { Harness, HarnessOptions } from '../support/harness.js';
import { createHarness, sendFrame, sleep, until } from '../support/harness.js';
import { contiguous, severable, stallingProvider, writingThrough } from '../support/instances.js';

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

/**
 * A reply left `streaming` in storage by instance A, which from now on writes nothing (its store
 * is severed); the test plays A's stream writer by updating the stored message directly.
 */
async function streamingElsewhere(): Promise<{ sessionId: string; write: WriteAs }> {
  store = createMemoryStore();
  const link = severable(store);
  const a = start({ ...writingThrough(link.view), llm: stallingProvider('so far') });
  const conn = a.connect();
  await a.router.handle(conn, sendFrame('question'));
  await conn.waitFor('delta');
  link.sever();
  const sessionId = conn.of('session')[0]!.sessionId;
  await store.updateMessage(sessionId, 2, { content: 'so far' });
  return { sessionId, write: (patch) => store.updateMessage(sessionId, 2, patch) };
}

type WriteAs = (patch: Parameters<MeteredSessionStore['updateMessage']>[2]) => Promise<void>;

async function resumeOn(router: ClusterMessageRouter, h: Harness, sessionId: string) {
  const conn = h.connect();
  await router.handle(conn, { type: 'resume', sessionId, lastSeq: 1 });
  expect(conn.of('replay')[0]!.messages[0]).toMatchObject({
    status: 'streaming',
    content: 'so far',
  });
  return conn;
}

function follower(options: HarnessOptions = {}): { b: Harness; timers: CountingTimers } {
  const timers = countingTimers();
  const b = start({ followIntervalMs: 10, timers, ...options });
  return { b, timers };
}

describe('following a reply that streams on another instance (issue 11)', () => {
  it('relays new text once, then done with the stored usage and stop reason; memory gets the reply', async () => {
    const { sessionId, write } = await streamingElsewhere();
    const { b, timers } = follower();
    const conn = await resumeOn(b.router, b, sessionId);
    await write({ content: 'so far, and more' });
    await conn.waitFor('delta');
    await write({ content: 'so far, and more.' });
    await write({
      content: 'so far, and more. The end.',
      status: 'complete',
      usage: { inputTokens: 7, outputTokens: 9 },
      stopReason: 'end_turn',
    });
    const done = await conn.waitFor('done');
    expect(done).toMatchObject({
      sessionId,
      seq: 2,
      status: 'complete',
      stopReason: 'end_turn',
      usage: { inputTokens: 7, outputTokens: 9 },
    });
    expect(contiguous(conn.of('delta'), 2, 'so far'.length)).toBe(true);
    expect(conn.textOf(2, 'so far')).toBe('so far, and more. The end.');
    expect(conn.of('error')).toHaveLength(0);
    expect(b.sessions.history(sessionId).find((m) => m.seq === 2)).toMatchObject({
      status: 'complete',
      content: 'so far, and more. The end.',
    });
    expect(timers.pending).toBe(0);
  });

  it('a stored error ends with the error frame a local generation would have sent', async () => {
    const { sessionId, write } = await streamingElsewhere();
    const { b } = follower();
    const conn = await resumeOn(b.router, b, sessionId);
    await write({ status: 'error', errorCode: 'ERR_LLM_OVERLOADED' });
    expect(await conn.waitFor('error')).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
      sessionId,
    });
    expect(await conn.waitFor('done')).toMatchObject({ seq: 2, status: 'error' });
  });

  it('gives up after followTimeoutMs with upstream_interrupted and leaves no timer', async () => {
    const { sessionId } = await streamingElsewhere();
    const { b, timers } = follower({ followTimeoutMs: 60 });
    const conn = await resumeOn(b.router, b, sessionId);
    const startedAt = Date.now();
    expect(await conn.waitFor('error')).toMatchObject({
      code: 'upstream_interrupted',
      partial: true,
    });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(50);
    expect(await conn.waitFor('done')).toMatchObject({ seq: 2, status: 'interrupted' });
    expect(timers.pending).toBe(0);
    expect((await store.getMessages(sessionId))[1]!.status).toBe('streaming');
  });

  it('stops when its connection detaches or is released, and when the router closes', async () => {
    const { sessionId, write } = await streamingElsewhere();
    const { b, timers } = follower();
    const first = await resumeOn(b.router, b, sessionId);
    await sleep(30);
    first.close(1006, 'network');
    expect(timers.pending).toBe(0);
    const second = await resumeOn(b.router, b, sessionId);
    expect(timers.pending).toBe(1);
    expect(b.router.releaseSession(sessionId)).toBe(true);
    expect(timers.pending).toBe(0);
    const third = await resumeOn(b.router, b, sessionId);
    await b.router.close();
    expect(timers.pending).toBe(0);
    await write({ content: 'so far, but nobody listens', status: 'complete' });
    await sleep(40);
    for (const conn of [first, second, third]) {
      expect(conn.of('delta')).toHaveLength(0);
      expect(conn.of('done')).toHaveLength(0);
    }
  });

  it('a failed read is retried; a message that vanished ends the follow as interrupted', async () => {
    const { sessionId, write } = await streamingElsewhere();
    let mode: 'pass' | 'fail' | 'gone' = 'pass';
    const { b } = follower({
      wrapStore: (s) =>
        storeWith(s, {
          getMessages: async (id, o) => {
            if (mode === 'fail' && o?.limit === 1) throw new Error('read failed');
            if (mode === 'gone' && o?.limit === 1) return [];
            return s.getMessages(id, o);
          },
        }),
    });
    const conn = await resumeOn(b.router, b, sessionId);
    mode = 'fail';
    await until(() => b.events.filter((e) => e.type === 'storage_error').length >= 2);
    mode = 'pass';
    await write({ content: 'so far, still here' });
    expect(await conn.waitFor('delta')).toMatchObject({ offset: 6, text: ', still here' });
    mode = 'gone';
    expect(await conn.waitFor('error')).toMatchObject({ code: 'upstream_interrupted' });
    expect(await conn.waitFor('done')).toMatchObject({ status: 'interrupted' });
  });
});
