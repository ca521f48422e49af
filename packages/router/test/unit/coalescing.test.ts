import { afterEach, describe, expect, it } from '@jest/globals';
import type { OutboundFrame } from '@chatbox/message';
import { CLOSE_CODES, DEFAULT_COALESCE_MAX_CHARS, DEFAULT_COALESCE_MS } from '../../src/index.js';
import type { FakeConnection } from '../support/fake-connection.js';
import type { Harness, HarnessOptions } from '../support/harness.js';
import { createHarness, sendFrame, until } from '../support/harness.js';
import type { ManualTimers, ScriptedLlm } from '../support/scripted.js';
import { manualTimers, scriptedLlm, settle } from '../support/scripted.js';

// Issue 10: frame coalescing in generation.ts `deliver`. Timers are fired by hand, so nothing here
// depends on timing.

const WINDOW_MS = 40;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

interface Setup {
  readonly h: Harness;
  readonly llm: ScriptedLlm;
  readonly timers: ManualTimers;
  readonly conn: FakeConnection;
  readonly sessionId: string;
}

async function start(options: HarnessOptions = {}): Promise<Setup> {
  const llm = scriptedLlm();
  const timers = manualTimers();
  const h = createHarness({ llm, timers, coalesceMs: WINDOW_MS, ...options });
  harness = h;
  const conn = h.connect();
  await h.router.handle(conn, sendFrame('hello'));
  await until(() => llm.calls === 1);
  const sessionId = conn.of('session')[0]!.sessionId;
  return { h, llm, timers, conn, sessionId };
}

type Delta = Extract<OutboundFrame, { type: 'delta' }>;

/** Offsets exact: each frame starts where the previous one ended (no gap, no overlap). */
function contiguous(deltas: readonly Delta[]): string {
  let text = '';
  for (const delta of deltas) {
    expect(delta.offset).toBe(text.length);
    text += delta.text;
  }
  return text;
}

function typesAfterAck(conn: FakeConnection): string[] {
  return conn.frames
    .map((f) => f.type)
    .filter((t) => t === 'delta' || t === 'done' || t === 'error');
}

describe('frame coalescing', () => {
  it('has named defaults', () => {
    expect(DEFAULT_COALESCE_MS).toBe(25);
    expect(DEFAULT_COALESCE_MAX_CHARS).toBe(4_096);
  });

  it('sends the first chunk at once and later chunks as one frame per window, offsets exact, done last', async () => {
    const { h, llm, timers, conn, sessionId } = await start();
    await llm.push('Hel');
    // The first chunk is not held back: no timer had to fire.
    expect(conn.of('delta')).toEqual([
      { type: 'delta', sessionId, seq: 2, offset: 0, text: 'Hel' },
    ]);
    await llm.push('lo');
    await llm.push(' wor');
    await llm.push('ld');
    expect(conn.of('delta')).toHaveLength(1);
    expect(timers.pending(WINDOW_MS)).toBe(1);
    timers.fire(WINDOW_MS);
    expect(conn.of('delta').at(-1)).toMatchObject({ offset: 3, text: 'lo world' });
    expect(timers.pending(WINDOW_MS)).toBe(0);
    await llm.push('!');
    expect(timers.pending(WINDOW_MS)).toBe(1);
    await llm.end();
    await conn.waitFor('done');
    // Flushed before done, without the timer; the timer is cleared.
    expect(typesAfterAck(conn)).toEqual(['delta', 'delta', 'delta', 'done']);
    expect(contiguous(conn.of('delta'))).toBe('Hello world!');
    expect(timers.pending(WINDOW_MS)).toBe(0);
    await until(() => h.router.stats().generations === 0);
    expect((await h.store.getMessages(sessionId))[1]).toMatchObject({
      content: 'Hello world!',
      status: 'complete',
    });
  });

  it('sends held-back text at once when it reaches coalesceMaxChars', async () => {
    const { llm, timers, conn } = await start({ coalesceMaxChars: 5 });
    await llm.push('a');
    await llm.push('bcd');
    expect(conn.of('delta')).toHaveLength(1);
    await llm.push('ef');
    expect(conn.of('delta').map((d) => d.text)).toEqual(['a', 'bcdef']);
    expect(timers.pending(WINDOW_MS)).toBe(0);
    await llm.push('g');
    await llm.end();
    await conn.waitFor('done');
    expect(contiguous(conn.of('delta'))).toBe('abcdefg');
  });

  it('coalesceMs 0 sends every chunk as its own frame and arms no timer', async () => {
    const { llm, timers, conn } = await start({ coalesceMs: 0 });
    for (const text of ['a', 'b', 'c']) await llm.push(text);
    expect(conn.of('delta').map((d) => d.text)).toEqual(['a', 'b', 'c']);
    expect(timers.pending(0)).toBe(0);
    await llm.end();
    await conn.waitFor('done');
    expect(contiguous(conn.of('delta'))).toBe('abc');
  });

  it('flushes before done{cancelled} on cancel; stored text equals what the client got', async () => {
    const { h, llm, timers, conn, sessionId } = await start();
    await llm.push('first');
    await llm.push(' x');
    await llm.push(' y');
    await h.router.handle(conn, { type: 'cancel', sessionId });
    await conn.waitFor('done');
    expect(typesAfterAck(conn)).toEqual(['delta', 'delta', 'done']);
    expect(contiguous(conn.of('delta'))).toBe('first x y');
    expect(conn.of('done')[0]).toMatchObject({ status: 'cancelled' });
    expect(timers.pending(WINDOW_MS)).toBe(0);
    await until(() => h.router.stats().generations === 0);
    expect((await h.store.getMessages(sessionId))[1]?.content).toBe('first x y');
  });

  it('flushes before the error and done of a failure after text', async () => {
    const { llm, timers, conn } = await start();
    await llm.push('part');
    await llm.push('ial');
    await llm.fail(new Error('socket hang up'));
    await conn.waitFor('done');
    expect(typesAfterAck(conn)).toEqual(['delta', 'delta', 'error', 'done']);
    expect(conn.of('error')[0]).toMatchObject({ partial: true });
    expect(contiguous(conn.of('delta'))).toBe('partial');
    expect(timers.pending(WINDOW_MS)).toBe(0);
  });

  it('flushes on shutdown (abortAll / close) before error{upstream_interrupted} and done', async () => {
    const { h, llm, timers, conn } = await start();
    await llm.push('one');
    await llm.push('two');
    await h.router.close();
    expect(typesAfterAck(conn)).toEqual(['delta', 'delta', 'error', 'done']);
    expect(contiguous(conn.of('delta'))).toBe('onetwo');
    expect(timers.pending(WINDOW_MS)).toBe(0);
  });

  it('a resume takes over mid-stream: the old connection gets its held-back text, the new one the rest, once', async () => {
    const { h, llm, timers, conn, sessionId } = await start();
    await llm.push('A');
    await llm.push('BC');
    const next = h.connect();
    await h.router.handle(next, { type: 'resume', sessionId, lastSeq: 1 });
    expect(conn.closed?.code).toBe(CLOSE_CODES.replaced);
    expect(contiguous(conn.of('delta'))).toBe('ABC');
    const replayed = next.of('replay')[0]!.messages.find((m) => m.seq === 2)!;
    expect(replayed.content).toBe('ABC');
    expect(timers.pending(WINDOW_MS)).toBe(0);
    await llm.push('D');
    await llm.push('E');
    await llm.end();
    await next.waitFor('done');
    const after = next.of('delta');
    expect(after[0]?.offset).toBe(3);
    expect(replayed.content + contiguous2(after, 3)).toBe('ABCDE');
    expect(next.textOf(2, replayed.content)).toBe('ABCDE');
  });

  it('releaseSession sends the held-back text before closing the released connection', async () => {
    const { h, llm, conn, sessionId } = await start();
    await llm.push('kept ');
    await llm.push('whole');
    expect(h.router.releaseSession(sessionId, { reason: 'test' })).toBe(true);
    expect(conn.closed?.code).toBe(CLOSE_CODES.replaced);
    expect(contiguous(conn.of('delta'))).toBe('kept whole');
    await llm.end();
  });

  it('endSession sends the held-back text before closing 4002', async () => {
    const { h, llm, conn, sessionId } = await start();
    await llm.push('bye');
    await llm.push(' now');
    const ending = h.router.endSession(sessionId);
    await settle();
    await ending;
    expect(conn.closed?.code).toBe(4002);
    expect(contiguous(conn.of('delta'))).toBe('bye now');
  });

  it('leaves no timer behind after many replies, whatever ended them', async () => {
    const { h, llm, timers, conn, sessionId } = await start();
    await llm.push('x');
    await llm.push('y');
    await llm.end();
    await conn.waitFor('done');
    for (let i = 0; i < 5; i += 1) {
      await until(() => h.router.stats().generations === 0);
      const before = llm.calls;
      await h.router.handle(conn, sendFrame(`again ${i}`, { sessionId }));
      await until(() => llm.calls === before + 1);
      await llm.push('p');
      await llm.push('q');
      if (i % 2 === 0) await h.router.handle(conn, { type: 'cancel', sessionId });
      else await llm.end();
      await until(() => conn.of('done').length === i + 2);
      expect(timers.pending(WINDOW_MS)).toBe(0);
    }
  });
});

function contiguous2(deltas: readonly Delta[], from: number): string {
  let text = '';
  for (const delta of deltas) {
    expect(delta.offset).toBe(from + text.length);
    text += delta.text;
  }
  return text;
}
