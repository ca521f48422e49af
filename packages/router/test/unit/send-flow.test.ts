import { afterEach, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import type { LlmChunk, LlmProvider, LlmRequest } from '@chatbox/llm';
import { createMemoryConcurrencyLimiter, createMemoryLimiter } from '@chatbox/ratelimit';
import { createMemoryStore } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';
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

/** A provider that counts calls and streams a fixed reply through the demo provider. */
function countingProvider(reply = 'a counted reply'): LlmProvider & { calls: LlmRequest[] } {
  const inner = createDemoProvider({ delayMs: 1, reply: () => reply });
  const calls: LlmRequest[] = [];
  return {
    name: 'demo',
    demo: true,
    deadlines: inner.deadlines,
    calls,
    stream(request, options): AsyncIterable<LlmChunk> {
      calls.push(request);
      return inner.stream(request, options);
    },
    close: () => inner.close(),
  };
}

describe('send flow', () => {
  it('creates a session, stores the user message before the ack, streams and stores the reply', async () => {
    const h = start();
    const conn = h.connect();
    const frame = sendFrame('hello there');
    await h.router.handle(conn, frame);
    const session = conn.of('session')[0]!;
    expect(session).toMatchObject({ resumed: false, lastSeq: 0, demo: true });
    const ack = conn.of('ack')[0]!;
    expect(ack).toEqual({
      type: 'ack',
      sessionId: session.sessionId,
      clientMessageId: frame.clientMessageId,
      seq: 1,
      duplicate: false,
    });
    const done = await conn.waitFor('done');
    expect(done).toMatchObject({
      sessionId: session.sessionId,
      seq: 2,
      status: 'complete',
      stopReason: 'end_turn',
    });
    expect(done.usage?.outputTokens).toBeGreaterThan(0);
    const text = conn.textOf(2);
    expect(text).toContain('You said: "hello there"');
    const stored = await h.store.getMessages(session.sessionId);
    expect(stored.map((m) => [m.seq, m.role, m.status])).toEqual([
      [1, 'user', 'complete'],
      [2, 'assistant', 'complete'],
    ]);
    expect(stored[1]!.content).toBe(text);
    expect(h.sessions.history(session.sessionId)[1]).toMatchObject({
      status: 'complete',
      content: text,
    });
    expect(h.sessions.get(session.sessionId)!.responseTimes.count).toBe(1);
    const types = h.events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['generation_started', 'first_token', 'generation_finished']),
    );
    await until(() => h.router.stats().generations === 0);
    expect((await h.store.getSession(session.sessionId))!.lastSeq).toBe(2);
  });

  it('keeps using the bound session and sends the history as context', async () => {
    const llm = countingProvider();
    const h = start({ llm });
    const conn = h.connect();
    await h.router.handle(conn, sendFrame('first'));
    await conn.waitFor('done', (d) => d.seq === 2);
    await until(() => h.router.stats().generations === 0);
    await h.router.handle(conn, sendFrame('second'));
    await conn.waitFor('done', (d) => d.seq === 4);
    expect(conn.of('session')).toHaveLength(1);
    expect(llm.calls[1]!.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'a counted reply' },
      { role: 'user', content: 'second' },
    ]);
    expect(llm.calls[1]!.maxTokens).toBe(256);
  });

  it('refuses while draining, over-long content, and a second send while a reply runs', async () => {
    const h = start({ llm: createDemoProvider({ delayMs: 20, chunkSize: 2 }), maxInputChars: 10 });
    const conn = h.connect();
    await h.router.handle(conn, sendFrame('x'.repeat(11)));
    expect(conn.of('error')[0]).toMatchObject({ code: 'too_long', retryable: false });
    await h.router.handle(conn, sendFrame('short'));
    await h.router.handle(conn, sendFrame('again'));
    expect(conn.of('error')[1]).toMatchObject({ code: 'too_many_generations', retryable: true });
    h.router.drain();
    await h.router.handle(conn, sendFrame('later'));
    expect(conn.of('error')[2]).toMatchObject({ code: 'server_draining', retryable: true });
    expect(
      h.events.filter((e) => e.type === 'refused').map((e) => (e as { reason: string }).reason),
    ).toEqual(['too_long', 'too_many_generations', 'server_draining']);
    for (const error of conn.of('error')) expect(error.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('applies the per-user message rate limit before the model is called (S8)', async () => {
    const limiter = createMemoryLimiter({ limit: 1, windowMs: 60_000 });
    cleanups.push(() => limiter.close());
    const llm = countingProvider();
    const h = start({ llm, messageLimiter: limiter });
    const conn = h.connect();
    await h.router.handle(conn, sendFrame('one'));
    await conn.waitFor('done');
    await until(() => h.router.stats().generations === 0);
    await h.router.handle(conn, sendFrame('two'));
    const error = conn.of('error')[0]!;
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(llm.calls).toHaveLength(1);
  });

  it('applies the per-user generation cap across sessions and frees the slot afterwards', async () => {
    const limiter = createMemoryConcurrencyLimiter({ limit: 1 });
    cleanups.push(() => limiter.close());
    const h = start({
      llm: createDemoProvider({ delayMs: 10, chunkSize: 4 }),
      generationLimiter: limiter,
    });
    const a = h.connect();
    const b = h.connect();
    await h.router.handle(a, sendFrame('one'));
    await h.router.handle(b, sendFrame('two'));
    expect(b.of('error')[0]).toMatchObject({ code: 'too_many_generations' });
    await a.waitFor('done');
    await until(() => h.router.stats().generations === 0);
    expect(await limiter.active('user-1')).toBe(0);
    await h.router.handle(b, sendFrame('three'));
    await b.waitFor('done');
  });

  it('refuses when a limiter fails instead of calling the model unchecked', async () => {
    const llm = countingProvider();
    const h = start({
      llm,
      messageLimiter: { consume: () => Promise.reject(new Error('redis down')) },
    });
    const conn = h.connect();
    await h.router.handle(conn, sendFrame('one'));
    expect(conn.of('error')[0]).toMatchObject({ code: 'rate_limited' });
    const h2 = createHarness({
      llm,
      generationLimiter: { acquire: () => Promise.reject(new Error('redis down')) },
    });
    cleanups.push(() => h2.close());
    const conn2 = h2.connect();
    await h2.router.handle(conn2, sendFrame('two'));
    expect(conn2.of('error')[0]).toMatchObject({ code: 'too_many_generations' });
    expect(llm.calls).toHaveLength(0);
  });

  it('R1: a failed user-message write gets storage_unavailable, no model call, the slot freed', async () => {
    const llm = countingProvider();
    let failAppend = true;
    const limiter = createMemoryConcurrencyLimiter({ limit: 1 });
    cleanups.push(() => limiter.close());
    const h = start({
      llm,
      generationLimiter: limiter,
      wrapStore: (store) =>
        storeWith(store, {
          appendMessage: (m) =>
            failAppend
              ? Promise.reject(
                  Object.assign(new Error('down'), { code: 'ERR_STORAGE_UNAVAILABLE' }),
                )
              : store.appendMessage(m),
        }),
    });
    const conn = h.connect();
    const frame = sendFrame('keep me');
    await h.router.handle(conn, frame);
    const error = conn.of('error')[0]!;
    expect(error).toMatchObject({
      code: 'storage_unavailable',
      retryable: true,
      clientMessageId: frame.clientMessageId,
    });
    expect(conn.of('ack')).toHaveLength(0);
    expect(llm.calls).toHaveLength(0);
    expect(h.router.stats().generations).toBe(0);
    expect(await limiter.active('user-1')).toBe(0);
    expect(h.events).toContainEqual({ type: 'storage_error', code: 'ERR_STORAGE_UNAVAILABLE' });
    const sessionId = conn.of('session')[0]!.sessionId;
    expect(h.sessions.get(sessionId)!.lastSeq).toBe(0);
    failAppend = false;
    await h.router.handle(conn, frame);
    expect(conn.of('ack')[0]).toMatchObject({ seq: 1, duplicate: false });
    await conn.waitFor('done');
    expect(llm.calls).toHaveLength(1);
  });

  it('retries a turn whose reply placeholder was not stored: the resend generates once', async () => {
    const llm = countingProvider();
    let failAssistant = true;
    const h = start({
      llm,
      wrapStore: (store) =>
        storeWith(store, {
          appendMessage: (m) =>
            m.role === 'assistant' && failAssistant
              ? Promise.reject(new Error('down'))
              : store.appendMessage(m),
        }),
    });
    const conn = h.connect();
    const frame = sendFrame('hello');
    await h.router.handle(conn, frame);
    expect(conn.of('ack')[0]).toMatchObject({ seq: 1, duplicate: false });
    expect(conn.of('error')[0]).toMatchObject({ code: 'storage_unavailable' });
    failAssistant = false;
    await h.router.handle(conn, frame);
    expect(conn.of('ack')[1]).toMatchObject({ seq: 1, duplicate: true });
    await conn.waitFor('done', (d) => d.seq === 2);
    await h.router.handle(conn, frame);
    expect(conn.of('ack')[2]).toMatchObject({ seq: 1, duplicate: true });
    expect(llm.calls).toHaveLength(1);
  });

  it("refuses another user's session, an unknown one and an ended one", async () => {
    const h = start();
    const alice = h.connect('alice');
    const bob = h.connect('bob');
    await h.router.handle(alice, sendFrame('mine'));
    const sessionId = alice.of('session')[0]!.sessionId;
    await alice.waitFor('done');
    await h.router.handle(bob, sendFrame('theirs', { sessionId }));
    expect(bob.of('error')[0]).toMatchObject({ code: 'forbidden', retryable: false });
    expect(bob.of('ack')).toHaveLength(0);
    expect(h.router.sessionOf(bob)).toBeUndefined();
    await h.router.handle(
      bob,
      sendFrame('nowhere', { sessionId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(bob.of('error')[1]).toMatchObject({ code: 'session_not_found' });
    await until(() => h.router.stats().generations === 0);
    h.sessions.end(sessionId);
    await h.router.handle(alice, sendFrame('after end', { sessionId }));
    expect(alice.of('error')[0]).toMatchObject({ code: 'session_ended' });
    // Without an id, a connection whose session ended gets a new one.
    await h.router.handle(alice, sendFrame('fresh start'));
    const fresh = alice.of('session')[1]!;
    expect(fresh.sessionId).not.toBe(sessionId);
    await alice.waitFor('done', (d) => d.sessionId === fresh.sessionId);
  });

  it('restores a stored session named by a client on an instance that does not hold it', async () => {
    const store: MeteredSessionStore = createMemoryStore();
    cleanups.push(() => store.close());
    const first = createHarness({ store, ownStore: false });
    const conn = first.connect();
    await first.router.handle(conn, sendFrame('before restart'));
    const sessionId = conn.of('session')[0]!.sessionId;
    await conn.waitFor('done');
    await first.close();
    const h = start({ store, ownStore: false, restoreMessages: 1 });
    const again = h.connect();
    await h.router.handle(again, sendFrame('after restart', { sessionId }));
    expect(again.of('session')[0]).toMatchObject({ sessionId, lastSeq: 2, resumed: false });
    expect(again.of('ack')[0]).toMatchObject({ seq: 3 });
    await again.waitFor('done', (d) => d.seq === 4);
  });
});
