import { afterEach, describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { createAnthropicProvider } from '../../src/index.js';
import type { AnthropicProviderOptions } from '../../src/index.js';
import { anthropicHarness, llmError } from '../anthropic-harness.js';
import { collect, testApiKey } from '../helpers.js';

const prompt = { messages: [{ role: 'user' as const, content: 'Tell me a story.' }] };
/** Generous: loaded CI machines are slow, but never seconds late. */
const MARGIN_MS = 1_000;
const { fakeWith, providerFor, close } = anthropicHarness({
  firstTokenTimeoutMs: 200,
  idleTimeoutMs: 200,
  totalTimeoutMs: 2_000,
});

afterEach(close);

describe('Anthropic provider deadlines and cancellation', () => {
  it('hang before headers: ERR_LLM_FIRST_TOKEN_TIMEOUT within the deadline, request aborted, no socket left', async () => {
    const fake = await fakeWith({ kind: 'hang-before-headers' });
    const result = await collect(providerFor(fake).stream(prompt));
    const error = llmError(result.error);
    expect([error.code, error.retryable, error.partial]).toEqual([
      'ERR_LLM_FIRST_TOKEN_TIMEOUT',
      true,
      false,
    ]);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(195);
    expect(result.elapsedMs).toBeLessThan(200 + MARGIN_MS);
    await fake.waitFor(() => fake.requests[0]?.abortedAt !== undefined && fake.openSockets === 0);
    expect(fake.requests).toHaveLength(1);
  });

  it('the first-token deadline also covers headers that arrive without any text', async () => {
    const fake = await fakeWith({ kind: 'hang-after', chunks: [] });
    const error = llmError((await collect(providerFor(fake).stream(prompt))).error);
    expect(error.code).toBe('ERR_LLM_FIRST_TOKEN_TIMEOUT');
  });

  it('hang mid-stream: ERR_LLM_IDLE_TIMEOUT with partial text, request aborted, no socket left', async () => {
    const fake = await fakeWith({ kind: 'hang-after', chunks: ['Once', ' upon'] });
    const result = await collect(providerFor(fake, { firstTokenTimeoutMs: 1_000 }).stream(prompt));
    const error = llmError(result.error);
    expect(result.text).toBe('Once upon');
    expect([error.code, error.partial, error.retryable]).toEqual([
      'ERR_LLM_IDLE_TIMEOUT',
      true,
      true,
    ]);
    expect(result.elapsedMs).toBeLessThan(200 + MARGIN_MS);
    await fake.waitFor(() => fake.requests[0]?.abortedAt !== undefined && fake.openSockets === 0);
  });

  it('a slow consumer does not count as upstream idleness', async () => {
    const fake = await fakeWith({ kind: 'stream', chunks: ['a', 'b', 'c'] });
    const chunks: string[] = [];
    for await (const chunk of providerFor(fake, { idleTimeoutMs: 250 }).stream(prompt)) {
      chunks.push(chunk.type);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect(chunks).toEqual(['text', 'text', 'text', 'done']);
  });

  it('total deadline: a stream that keeps trickling is cut at totalMs with ERR_LLM_DEADLINE', async () => {
    const fake = await fakeWith({
      kind: 'stream',
      chunks: Array.from({ length: 40 }, () => 'x'),
      delayMs: 25,
    });
    const result = await collect(
      providerFor(fake, {
        firstTokenTimeoutMs: 2_000,
        idleTimeoutMs: 2_000,
        totalTimeoutMs: 500,
      }).stream(prompt),
    );
    const error = llmError(result.error);
    expect([error.code, error.partial]).toEqual(['ERR_LLM_DEADLINE', true]);
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.text.length).toBeLessThan(40);
    expect(result.elapsedMs).toBeLessThan(500 + MARGIN_MS);
    await fake.waitFor(() => fake.requests[0]?.abortedAt !== undefined);
  });

  it('caller abort mid-stream: ERR_LLM_CANCELLED within 1 s and the fake sees the request closed', async () => {
    const fake = await fakeWith({ kind: 'hang-after', chunks: ['Once'] });
    const controller = new AbortController();
    let abortedAt = 0;
    const result = await collect(
      providerFor(fake, { idleTimeoutMs: 10_000 }).stream(prompt, { signal: controller.signal }),
      () => {
        abortedAt = Date.now();
        controller.abort();
      },
    );
    const error = llmError(result.error);
    expect([error.code, error.partial, error.retryable]).toEqual([
      'ERR_LLM_CANCELLED',
      true,
      false,
    ]);
    await fake.waitFor(() => fake.requests[0]?.abortedAt !== undefined, 1_000);
    expect(fake.requests[0]!.abortedAt! - abortedAt).toBeLessThan(1_000);
    await fake.waitFor(() => fake.openSockets === 0);
  });

  it('caller abort before headers: ERR_LLM_CANCELLED and the request is closed', async () => {
    const fake = await fakeWith({ kind: 'hang-before-headers' });
    const controller = new AbortController();
    const pending = collect(
      providerFor(fake, { firstTokenTimeoutMs: 10_000 }).stream(prompt, {
        signal: controller.signal,
      }),
    );
    await fake.waitFor(() => fake.requests.length === 1);
    controller.abort();
    const error = llmError((await pending).error);
    expect([error.code, error.partial]).toEqual(['ERR_LLM_CANCELLED', false]);
    await fake.waitFor(() => fake.requests[0]?.abortedAt !== undefined, 1_000);
  });

  it('a long-lived caller signal gains no listeners across many calls', async () => {
    const fake = await fakeWith({ kind: 'stream', chunks: ['a'] });
    const llm = providerFor(fake);
    const session = new AbortController();
    for (let i = 0; i < 25; i++) {
      const result = await collect(llm.stream(prompt, { signal: session.signal }));
      expect(result.error).toBeUndefined();
    }
    const broken = await fakeWith({ kind: 'status', status: 400 });
    await collect(providerFor(broken).stream(prompt, { signal: session.signal }));
    expect(getEventListeners(session.signal, 'abort')).toHaveLength(0);
  });

  it('an already aborted signal makes no request', async () => {
    const fake = await fakeWith();
    const error = llmError(
      (await collect(providerFor(fake).stream(prompt, { signal: AbortSignal.abort() }))).error,
    );
    expect(error.code).toBe('ERR_LLM_CANCELLED');
    expect(fake.requests).toHaveLength(0);
  });

  it('a consumer that stops iterating closes the upstream request', async () => {
    const fake = await fakeWith({ kind: 'hang-after', chunks: ['Once'] });
    for await (const chunk of providerFor(fake, { idleTimeoutMs: 10_000 }).stream(prompt)) {
      expect(chunk).toEqual({ type: 'text', text: 'Once' });
      break;
    }
    await fake.waitFor(() => fake.requests[0]?.abortedAt !== undefined, 1_000);
  });

  it('close() aborts calls in flight with ERR_LLM_UNAVAILABLE and refuses new ones', async () => {
    const fake = await fakeWith({ kind: 'hang-after', chunks: ['Once'] });
    const llm = providerFor(fake, { idleTimeoutMs: 10_000 });
    const result = await collect(llm.stream(prompt), () => void llm.close());
    expect([llmError(result.error).code, llmError(result.error).partial]).toEqual([
      'ERR_LLM_UNAVAILABLE',
      true,
    ]);
    await llm.close();
    const after = llmError((await collect(llm.stream(prompt))).error);
    expect(after.code).toBe('ERR_LLM_UNAVAILABLE');
    expect(fake.requests).toHaveLength(1);
    await fake.waitFor(() => fake.requests[0]?.abortedAt !== undefined, 1_000);
  });

  it('exposes its deadlines, all on by default', () => {
    const llm = createAnthropicProvider({
      apiKey: testApiKey(),
      model: 'claude-test',
      maxTokens: 256,
    });
    expect(llm.deadlines).toEqual({ firstTokenMs: 15_000, idleMs: 30_000, totalMs: 120_000 });
    expect([llm.name, llm.demo]).toEqual(['anthropic', false]);
  });

  it('validates its options without echoing the key', () => {
    const apiKey = testApiKey();
    const base = { apiKey, model: 'claude-test', maxTokens: 256 };
    const cases: Partial<AnthropicProviderOptions>[] = [
      { apiKey: ' ' },
      { model: '' },
      { baseURL: 'not a url' },
      { baseURL: 'ftp://127.0.0.1' },
      { maxTokens: 0 },
      { maxInputChars: 1.5 },
      { firstTokenTimeoutMs: -1 },
      { sdkTimeoutMs: 0 },
      { sdkMaxRetries: -1 },
    ];
    for (const overrides of cases) {
      let caught: unknown;
      try {
        createAnthropicProvider({ ...base, ...overrides });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TypeError);
      expect(String((caught as Error).message)).not.toContain(apiKey);
    }
  });
});
