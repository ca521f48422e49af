import { describe, expect, it } from '@jest/globals';
import { createDemoProvider, DEMO_MODEL, LlmError } from '../../src/index.js';
import type { LlmChunk } from '../../src/index.js';
import { collect, flush, manualTimers, memoryLogger } from '../helpers.js';

const prompt = { messages: [{ role: 'user' as const, content: 'hello there' }] };

function texts(chunks: LlmChunk[]): string[] {
  return chunks.flatMap((chunk) => (chunk.type === 'text' ? [chunk.text] : []));
}

describe('createDemoProvider', () => {
  it('is labelled demo, in its fields, its model and its start-up log', async () => {
    const { logger, lines } = memoryLogger();
    const demo = createDemoProvider({ delayMs: 0, logger });
    expect([demo.name, demo.demo]).toEqual(['demo', true]);
    expect(demo.deadlines).toEqual({ firstTokenMs: 15_000, idleMs: 30_000, totalMs: 120_000 });
    expect(lines()).toContain('demo LLM provider');
    const result = await collect(demo.stream(prompt));
    expect(result.text).toContain('[demo]');
    expect(result.text).toContain('hello there');
    expect(result.chunks.at(-1)).toMatchObject({
      type: 'done',
      model: DEMO_MODEL,
      stopReason: 'end_turn',
    });
    await demo.close();
  });

  it('echoes nothing when there is no user message', async () => {
    const demo = createDemoProvider({ delayMs: 0, chunkSize: 1_000 });
    const result = await collect(demo.stream({ messages: [{ role: 'assistant', content: 'x' }] }));
    expect(result.text).toMatch(/You said: ""$/);
  });

  it('is deterministic and chunks by code point', async () => {
    const demo = createDemoProvider({ delayMs: 0, chunkSize: 3, reply: () => 'ab😀cdefg' });
    const first = await collect(demo.stream(prompt));
    const second = await collect(demo.stream(prompt));
    expect(texts(first.chunks)).toEqual(['ab😀', 'cde', 'fg']);
    expect(second.chunks).toEqual(first.chunks);
    expect(first.chunks.at(-1)).toEqual({
      type: 'done',
      usage: { inputTokens: 3, outputTokens: 2 },
      stopReason: 'end_turn',
      model: DEMO_MODEL,
    });
  });

  it('caps the reply at max_tokens and says so in the stop reason', async () => {
    const demo = createDemoProvider({
      delayMs: 0,
      chunkSize: 100,
      maxTokens: 2,
      reply: () => 'x'.repeat(20),
    });
    const result = await collect(demo.stream({ ...prompt, maxTokens: 1 }));
    expect(result.text).toBe('xxxx');
    expect(result.chunks.at(-1)).toMatchObject({
      stopReason: 'max_tokens',
      usage: { outputTokens: 1 },
    });
  });

  it('streams at its pace on the injected timers', async () => {
    const time = manualTimers();
    const demo = createDemoProvider({
      delayMs: 100,
      chunkSize: 2,
      reply: () => 'abcd',
      clock: time.clock,
      timers: time.timers,
    });
    const iterator = demo.stream(prompt)[Symbol.asyncIterator]();
    const first = iterator.next();
    await flush();
    let settled = false;
    void first.then(() => (settled = true));
    time.advance(99);
    await flush();
    expect(settled).toBe(false);
    time.advance(1);
    expect((await first).value).toEqual({ type: 'text', text: 'ab' });
    const second = iterator.next();
    await flush();
    time.advance(100);
    expect((await second).value).toEqual({ type: 'text', text: 'cd' });
    expect((await iterator.next()).value).toMatchObject({ type: 'done' });
    expect((await iterator.next()).done).toBe(true);
    expect(time.pending()).toBe(0);
  });

  it('honours the caller signal mid-stream with ERR_LLM_CANCELLED and partial', async () => {
    const time = manualTimers();
    const demo = createDemoProvider({
      delayMs: 100,
      chunkSize: 1,
      reply: () => 'abc',
      clock: time.clock,
      timers: time.timers,
    });
    const controller = new AbortController();
    const iterator = demo.stream(prompt, { signal: controller.signal })[Symbol.asyncIterator]();
    const first = iterator.next();
    await flush();
    time.advance(100);
    await first;
    const second = iterator.next();
    await flush();
    controller.abort();
    await expect(second).rejects.toMatchObject({ code: 'ERR_LLM_CANCELLED', partial: true });
    expect(time.pending()).toBe(0);
  });

  it('a cancel after the last text chunk still ends in ERR_LLM_CANCELLED, not done', async () => {
    const demo = createDemoProvider({ delayMs: 0, chunkSize: 10, reply: () => 'ab' });
    const controller = new AbortController();
    const result = await collect(demo.stream(prompt, { signal: controller.signal }), () =>
      controller.abort(),
    );
    expect(result.chunks).toEqual([{ type: 'text', text: 'ab' }]);
    expect(result.error).toMatchObject({ code: 'ERR_LLM_CANCELLED', partial: true });
  });

  it('applies the same deadlines: a pace slower than the first-token deadline times out', async () => {
    const time = manualTimers();
    const demo = createDemoProvider({
      delayMs: 500,
      firstTokenTimeoutMs: 200,
      clock: time.clock,
      timers: time.timers,
    });
    const pending = collect(demo.stream(prompt));
    await flush();
    time.advance(200);
    const result = await pending;
    expect(result.error).toBeInstanceOf(LlmError);
    expect(result.error).toMatchObject({ code: 'ERR_LLM_FIRST_TOKEN_TIMEOUT', partial: false });
  });

  it('stops and frees its timers when the consumer breaks out', async () => {
    const time = manualTimers();
    const demo = createDemoProvider({
      delayMs: 0,
      chunkSize: 1,
      reply: () => 'abc',
      clock: time.clock,
      timers: time.timers,
    });
    for await (const chunk of demo.stream(prompt)) {
      expect(chunk).toEqual({ type: 'text', text: 'a' });
      break;
    }
    expect(time.pending()).toBe(0);
  });

  it('refuses input over the cap, an already aborted signal, and calls after close', async () => {
    const demo = createDemoProvider({ delayMs: 0, maxInputChars: 5 });
    expect((await collect(demo.stream(prompt))).error).toMatchObject({
      code: 'ERR_LLM_INPUT_TOO_LARGE',
    });
    const short = { messages: [{ role: 'user' as const, content: 'hi' }] };
    expect(
      (await collect(demo.stream(short, { signal: AbortSignal.abort() }))).error,
    ).toMatchObject({ code: 'ERR_LLM_CANCELLED' });
    await demo.close();
    await demo.close();
    expect((await collect(demo.stream(short))).error).toMatchObject({
      code: 'ERR_LLM_UNAVAILABLE',
      retryable: true,
    });
  });

  it('close() ends a reply in flight with ERR_LLM_UNAVAILABLE', async () => {
    const demo = createDemoProvider({ delayMs: 5, chunkSize: 1, reply: () => 'abcdef' });
    const result = await collect(demo.stream(prompt), () => void demo.close());
    expect(result.text).toBe('a');
    expect(result.error).toMatchObject({ code: 'ERR_LLM_UNAVAILABLE', partial: true });
  });

  it('validates its options', () => {
    expect(() => createDemoProvider({ delayMs: -1 })).toThrow(TypeError);
    expect(() => createDemoProvider({ chunkSize: 0 })).toThrow(TypeError);
    expect(() => createDemoProvider({ totalTimeoutMs: 0 })).toThrow(TypeError);
  });
});
