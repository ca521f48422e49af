import { afterEach, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import type { LlmChunk, LlmProvider } from '@chatbox/llm';
import type { ChatMessage } from '@chatbox/session';
import type { MeteredSessionStore } from '@chatbox/storage';
import { createMessageRouter, isRouterError } from '../../src/index.js';
import type { RouterStore } from '../../src/index.js';
import { storeWith } from '../support/delegates.js';
import type { Harness, HarnessOptions } from '../support/harness.js';
import { createHarness, sendFrame, until } from '../support/harness.js';

// Issue 10, batched writes: prepareTurn stores the user message and the reply's placeholder in one
// appendMessages call when the store has it (R1 unchanged), and two appendMessage calls otherwise.

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function counting(): LlmProvider & { calls: number } {
  const inner = createDemoProvider({ delayMs: 1, reply: () => 'a batched reply' });
  const provider = {
    name: 'demo' as const,
    demo: true,
    deadlines: inner.deadlines,
    calls: 0,
    stream(...args: Parameters<LlmProvider['stream']>): AsyncIterable<LlmChunk> {
      provider.calls += 1;
      return inner.stream(...args);
    },
    close: () => inner.close(),
  };
  return provider;
}

type Batch = (
  messages: readonly ChatMessage[],
) => Promise<readonly { readonly message: ChatMessage; readonly duplicate: boolean }[]>;

interface Spy {
  readonly batches: ChatMessage[][];
  readonly singles: ChatMessage[];
}

function start(
  batch:
    ((store: MeteredSessionStore, messages: readonly ChatMessage[]) => ReturnType<Batch>) | null,
  options: HarnessOptions = {},
): { h: Harness; spy: Spy; llm: ReturnType<typeof counting> } {
  const llm = counting();
  const spy: Spy = { batches: [], singles: [] };
  const h = createHarness({
    llm,
    ...options,
    wrapStore: (store) => {
      const view: RouterStore = storeWith(store, {
        appendMessage: (m) => {
          spy.singles.push(m);
          return store.appendMessage(m);
        },
      });
      if (batch === null) return view;
      return {
        ...view,
        appendMessages: (messages) => {
          spy.batches.push([...messages]);
          return batch(store, messages);
        },
      };
    },
  });
  harness = h;
  return { h, spy, llm };
}

const through = (store: MeteredSessionStore, messages: readonly ChatMessage[]): ReturnType<Batch> =>
  store.appendMessages!(messages);

describe('batched turn writes', () => {
  it('stores the user message and the placeholder in one call, before the ack', async () => {
    const { h, spy, llm } = start(through);
    const conn = h.connect();
    await h.router.handle(conn, sendFrame('one write'));
    expect(conn.of('ack')[0]).toMatchObject({ seq: 1, duplicate: false });
    expect(spy.batches).toHaveLength(1);
    expect(spy.batches[0]!.map((m) => [m.seq, m.role, m.status])).toEqual([
      [1, 'user', 'complete'],
      [2, 'assistant', 'streaming'],
    ]);
    expect(spy.singles).toHaveLength(0);
    await conn.waitFor('done');
    expect(llm.calls).toBe(1);
    const sessionId = conn.of('session')[0]!.sessionId;
    await until(() => h.router.stats().generations === 0);
    const stored = await h.store.getMessages(sessionId);
    expect(stored.map((m) => [m.seq, m.status, m.content])).toEqual([
      [1, 'complete', 'one write'],
      [2, 'complete', 'a batched reply'],
    ]);
    expect(h.sessions.get(sessionId)!.lastSeq).toBe(2);
  });

  it('falls back to two appendMessage calls when the store has no appendMessages', async () => {
    const { h, spy } = start(null);
    const conn = h.connect();
    await h.router.handle(conn, sendFrame('two writes'));
    await conn.waitFor('done');
    expect(spy.singles.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(spy.batches).toHaveLength(0);
  });

  it('R1: a failed batch gets storage_unavailable, no ack, no model call, nothing in memory', async () => {
    let fail = true;
    const { h, llm } = start((store, messages) =>
      fail
        ? Promise.reject(Object.assign(new Error('down'), { code: 'ERR_STORAGE_UNAVAILABLE' }))
        : through(store, messages),
    );
    const conn = h.connect();
    const frame = sendFrame('keep me');
    await h.router.handle(conn, frame);
    expect(conn.of('error')[0]).toMatchObject({ code: 'storage_unavailable', retryable: true });
    expect(conn.of('ack')).toHaveLength(0);
    expect(llm.calls).toBe(0);
    const sessionId = conn.of('session')[0]!.sessionId;
    expect(h.sessions.get(sessionId)!.lastSeq).toBe(0);
    expect(await h.store.getMessages(sessionId)).toEqual([]);
    fail = false;
    await h.router.handle(conn, frame);
    expect(conn.of('ack')[0]).toMatchObject({ seq: 1, duplicate: false });
    await conn.waitFor('done');
    expect(llm.calls).toBe(1);
  });

  it('a batch that landed but whose answer was lost: the resend acks duplicate and generates once', async () => {
    let lose = true;
    const { h, llm } = start(async (store, messages) => {
      const results = await through(store, messages);
      if (!lose) return results;
      lose = false;
      throw Object.assign(new Error('reply lost'), { code: 'ERR_STORAGE_UNAVAILABLE' });
    });
    const conn = h.connect();
    const frame = sendFrame('landed');
    await h.router.handle(conn, frame);
    expect(conn.of('error')[0]).toMatchObject({ code: 'storage_unavailable' });
    expect(llm.calls).toBe(0);
    const sessionId = conn.of('session')[0]!.sessionId;
    await h.router.handle(conn, { ...frame, sessionId });
    expect(conn.of('ack')).toEqual([
      expect.objectContaining({ seq: 1, duplicate: true, clientMessageId: frame.clientMessageId }),
    ]);
    await conn.waitFor('done', (d) => d.seq === 2);
    expect(llm.calls).toBe(1);
    await until(() => h.router.stats().generations === 0);
    const stored = await h.store.getMessages(sessionId);
    expect(stored.map((m) => [m.seq, m.role, m.status])).toEqual([
      [1, 'user', 'complete'],
      [2, 'assistant', 'complete'],
    ]);
    // Answered: a third send of it is acked again without a model call.
    await h.router.handle(conn, { ...frame, sessionId });
    expect(conn.of('ack')[1]).toMatchObject({ seq: 1, duplicate: true });
    expect(llm.calls).toBe(1);
  });

  it('a cancel during the batch write: acked, reply stored cancelled, the model never called', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { h, spy, llm } = start(async (store, messages) => {
      await gate;
      return through(store, messages);
    });
    const conn = h.connect();
    const sending = h.router.handle(conn, sendFrame('cancel me'));
    await until(() => spy.batches.length === 1);
    const sessionId = conn.of('session')[0]!.sessionId;
    await h.router.handle(conn, { type: 'cancel', sessionId });
    open();
    await sending;
    expect(conn.of('ack')[0]).toMatchObject({ seq: 1 });
    expect(await conn.waitFor('done')).toMatchObject({ seq: 2, status: 'cancelled' });
    expect(llm.calls).toBe(0);
    await until(() => h.router.stats().generations === 0);
    expect((await h.store.getMessages(sessionId))[1]).toMatchObject({
      status: 'cancelled',
      content: '',
    });
  });

  it('refuses a store whose appendMessages is not a function', () => {
    const h = createHarness();
    harness = h;
    const store = { ...storeWith(h.store), appendMessages: 42 } as unknown as RouterStore;
    let error: unknown;
    try {
      createMessageRouter({
        sessions: h.sessions,
        store,
        llm: h.llm,
        openStreamWriter: () => ({ append: () => undefined, finish: () => Promise.resolve() }),
        maxInputChars: 10,
        maxTokens: 10,
      });
    } catch (e) {
      error = e;
    }
    expect(isRouterError(error) && error.code).toBe('ERR_ROUTER_INVALID_OPTIONS');
  });
});
