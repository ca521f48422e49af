import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { MessagePatch, Timers } from '../../src/index.js';
import { StorageError, createStreamWriter } from '../../src/index.js';
import { thrownBy } from '../support/fixtures.js';

/** Manual timers: time only moves in advance(). */
function manualTimers(): Timers & { advance(ms: number): Promise<void>; pending(): number } {
  let now = 0;
  let nextId = 1;
  const tasks = new Map<number, { at: number; fn: () => void }>();
  return {
    setTimeout(fn, ms) {
      const id = nextId++;
      tasks.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      tasks.delete(handle as number);
    },
    pending: () => tasks.size,
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...tasks.entries()]
          .filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        tasks.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        for (let i = 0; i < 10; i += 1) await Promise.resolve();
      }
      now = until;
    },
  };
}

function recordingStore(failFirst = 0): {
  updateMessage: (s: string, q: number, p: MessagePatch) => Promise<void>;
  writes: MessagePatch[];
} {
  const writes: MessagePatch[] = [];
  let failures = failFirst;
  return {
    writes,
    async updateMessage(_s, _q, patch) {
      if (failures > 0) {
        failures -= 1;
        throw new StorageError('ERR_STORAGE_UNAVAILABLE', 'down');
      }
      writes.push(patch);
    },
  };
}

const base = { sessionId: randomUUID(), seq: 2, clock: () => 1_000 };

describe('createStreamWriter', () => {
  it('flushes once per interval, never per token, and finishes with the full text', async () => {
    const timers = manualTimers();
    const store = recordingStore();
    const writer = createStreamWriter({
      ...base,
      store,
      timers,
      flushIntervalMs: 500,
      flushChars: 10_000,
    });
    for (let i = 0; i < 100; i += 1) writer.append('tok ');
    expect(store.writes).toHaveLength(0);
    await timers.advance(500);
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]?.content).toBe('tok '.repeat(100));
    expect(store.writes[0]?.status).toBeUndefined();
    await timers.advance(5_000);
    expect(store.writes).toHaveLength(1);
    writer.append('end');
    await writer.finish({
      status: 'complete',
      usage: { inputTokens: 1, outputTokens: 101 },
      stopReason: 'end_turn',
    });
    expect(store.writes.at(-1)).toMatchObject({
      content: `${'tok '.repeat(100)}end`,
      status: 'complete',
      stopReason: 'end_turn',
    });
    expect(writer.flushes).toBe(1);
    expect(timers.pending()).toBe(0);
  });

  it('flushes early when enough characters are waiting', async () => {
    const timers = manualTimers();
    const store = recordingStore();
    const writer = createStreamWriter({
      ...base,
      store,
      timers,
      flushIntervalMs: 1_000,
      flushChars: 50,
    });
    writer.append('x'.repeat(60));
    await timers.advance(0);
    expect(store.writes).toHaveLength(1);
    writer.append('y');
    await writer.finish({ status: 'cancelled' });
    expect(store.writes.map((w) => w.content)).toEqual(['x'.repeat(60), `${'x'.repeat(60)}y`]);
  });

  it('keeps text pending after a failed flush and sends it with the next one', async () => {
    const timers = manualTimers();
    const store = recordingStore(1);
    const writer = createStreamWriter({ ...base, store, timers, flushIntervalMs: 200 });
    writer.append('abc');
    await timers.advance(200);
    expect(writer.failedFlushes).toBe(1);
    await timers.advance(200);
    expect(store.writes.map((w) => w.content)).toEqual(['abc']);
    await writer.finish({ status: 'interrupted', errorCode: 'upstream_interrupted' });
    expect(store.writes.at(-1)).toMatchObject({
      status: 'interrupted',
      errorCode: 'upstream_interrupted',
    });
  });

  it('waits for a flush in flight before the final write', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const timers = manualTimers();
    const store = {
      updateMessage: async (_s: string, _q: number, patch: MessagePatch): Promise<void> => {
        if (patch.status === undefined) await new Promise<void>((r) => (release = r));
        order.push(patch.status ?? 'partial');
      },
    };
    const writer = createStreamWriter({ ...base, store, timers, flushIntervalMs: 100 });
    writer.append('a');
    await timers.advance(100);
    writer.append('b');
    await timers.advance(100);
    const finishing = writer.finish({ status: 'complete' });
    release();
    await finishing;
    expect(order).toEqual(['partial', 'complete']);
  });

  it('refuses use after finish and invalid options', async () => {
    const writer = createStreamWriter({ ...base, store: recordingStore(), timers: manualTimers() });
    writer.append('');
    await writer.finish({ status: 'complete' });
    expect(thrownBy(() => writer.append('late'))).toMatchObject({
      code: 'ERR_STORAGE_WRITER_FINISHED',
    });
    await expect(writer.finish({ status: 'complete' })).rejects.toMatchObject({
      code: 'ERR_STORAGE_WRITER_FINISHED',
    });
    expect(() =>
      createStreamWriter({ ...base, store: recordingStore(), flushIntervalMs: 1_001 }),
    ).toThrow(/flushIntervalMs/);
    expect(() => createStreamWriter({ ...base, store: recordingStore(), flushChars: 0 })).toThrow(
      /flushChars/,
    );
    expect(
      thrownBy(() => createStreamWriter({ ...base, sessionId: 'nope', store: recordingStore() })),
    ).toMatchObject({ code: 'ERR_STORAGE_INVALID_ID' });
    const other = createStreamWriter({ ...base, store: recordingStore() });
    expect(thrownBy(() => other.append(5 as unknown as string))).toMatchObject({
      code: 'ERR_STORAGE_INVALID_ARGUMENT',
    });
    await other.finish({ status: 'complete' });
  });

  it('writes a bounded number of times for a long reply (figure: writes per 10,000 tokens)', async () => {
    const timers = manualTimers();
    const store = recordingStore();
    const writer = createStreamWriter({
      ...base,
      store,
      timers,
      flushIntervalMs: 1_000,
      flushChars: 2_000,
    });
    for (let i = 0; i < 10_000; i += 1) {
      writer.append('word ');
      if (i % 100 === 0) await timers.advance(20);
    }
    await writer.finish({ status: 'complete' });
    // 50,000 characters over 2 s of simulated time: about 25 character-triggered flushes.
    expect(store.writes.length).toBeLessThanOrEqual(40);
    expect(store.writes.at(-1)?.content).toHaveLength(50_000);
  });
});
