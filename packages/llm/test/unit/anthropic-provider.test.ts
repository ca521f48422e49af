import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { anthropicHarness, llmError } from '../anthropic-harness.js';
import { collect, memoryLogger, testApiKey } from '../helpers.js';

const prompt = { messages: [{ role: 'user' as const, content: 'What is the capital of France?' }] };
const { fakeWith, providerFor, close } = anthropicHarness({
  firstTokenTimeoutMs: 5_000,
  idleTimeoutMs: 5_000,
  totalTimeoutMs: 10_000,
});

afterEach(close);

describe('createAnthropicProvider against the fake Messages API', () => {
  it('streams text deltas, then usage, stop reason and model', async () => {
    const fake = await fakeWith();
    fake.enqueue({
      kind: 'stream',
      chunks: ['Par', 'is', '.'],
      usage: { inputTokens: 12, outputTokens: 3 },
      stopReason: 'end_turn',
    });
    const result = await collect(providerFor(fake).stream({ ...prompt, system: 'Be brief.' }));
    expect(result.error).toBeUndefined();
    expect(result.chunks).toEqual([
      { type: 'text', text: 'Par' },
      { type: 'text', text: 'is' },
      { type: 'text', text: '.' },
      {
        type: 'done',
        usage: { inputTokens: 12, outputTokens: 3 },
        stopReason: 'end_turn',
        model: 'claude-test',
      },
    ]);
    const [request] = fake.requests;
    expect(request?.path).toBe('/v1/messages');
    expect(request?.body).toEqual({
      model: 'claude-test',
      max_tokens: 256,
      messages: prompt.messages,
      system: 'Be brief.',
      stream: true,
    });
  });

  it('caps max_tokens at the configured maximum and honours a smaller request', async () => {
    const fake = await fakeWith();
    const llm = providerFor(fake, { maxTokens: 100 });
    await collect(llm.stream({ ...prompt, maxTokens: 50_000 }));
    await collect(llm.stream({ ...prompt, maxTokens: 10, model: 'claude-other' }));
    expect(fake.requests.map((r) => (r.body as { max_tokens: number }).max_tokens)).toEqual([
      100, 10,
    ]);
    expect((fake.requests[1]?.body as { model: string }).model).toBe('claude-other');
  });

  it('refuses input over the cap before any request is made', async () => {
    const fake = await fakeWith();
    const result = await collect(
      providerFor(fake, { maxInputChars: 20 }).stream({
        messages: [{ role: 'user', content: 'x'.repeat(21) }],
      }),
    );
    const error = llmError(result.error);
    expect(error.code).toBe('ERR_LLM_INPUT_TOO_LARGE');
    expect(error.retryable).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('lets the SDK retry a 529 before the stream starts, then streams', async () => {
    const fake = await fakeWith();
    fake.enqueue({ kind: 'status', status: 529 }, { kind: 'stream', chunks: ['ok'] });
    const result = await collect(providerFor(fake).stream(prompt));
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('ok');
    expect(fake.requests.map((r) => r.script)).toEqual(['status', 'stream']);
  });

  it('429 forever: ERR_LLM_RATE_LIMITED with retryAfterMs once the SDK retries are spent', async () => {
    const fake = await fakeWith({ kind: 'status', status: 429, retryAfterSec: 0.05 });
    const result = await collect(providerFor(fake, { sdkMaxRetries: 2 }).stream(prompt));
    const error = llmError(result.error);
    expect(error.code).toBe('ERR_LLM_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(50);
    expect(error.partial).toBe(false);
    expect(fake.requests).toHaveLength(3);
  });

  it('does not let the SDK sleep a retry-after longer than the first-token budget', async () => {
    const fake = await fakeWith({ kind: 'status', status: 429, retryAfterSec: 30 });
    const result = await collect(providerFor(fake, { firstTokenTimeoutMs: 2_000 }).stream(prompt));
    const error = llmError(result.error);
    expect(error.code).toBe('ERR_LLM_RATE_LIMITED');
    expect(error.retryAfterMs).toBe(30_000);
    expect(fake.requests).toHaveLength(1);
    expect(result.elapsedMs).toBeLessThan(2_000);
  });

  it('maps 529 to ERR_LLM_OVERLOADED and 500 to ERR_LLM_UNAVAILABLE, both retryable', async () => {
    const fake = await fakeWith();
    fake.enqueue(
      { kind: 'status', status: 529, retryAfterSec: 1 },
      { kind: 'status', status: 500 },
    );
    const llm = providerFor(fake, { sdkMaxRetries: 0 });
    const overloaded = llmError((await collect(llm.stream(prompt))).error);
    const unavailable = llmError((await collect(llm.stream(prompt))).error);
    expect([overloaded.code, overloaded.retryable, overloaded.retryAfterMs]).toEqual([
      'ERR_LLM_OVERLOADED',
      true,
      1_000,
    ]);
    expect([unavailable.code, unavailable.retryable]).toEqual(['ERR_LLM_UNAVAILABLE', true]);
  });

  it('401 is ERR_LLM_AUTH and is not retried; 400 is ERR_LLM_BAD_REQUEST', async () => {
    const fake = await fakeWith();
    fake.enqueue({ kind: 'status', status: 401 }, { kind: 'status', status: 400 });
    const llm = providerFor(fake, { sdkMaxRetries: 2 });
    const auth = llmError((await collect(llm.stream(prompt))).error);
    expect([auth.code, auth.retryable]).toEqual(['ERR_LLM_AUTH', false]);
    expect(fake.requests).toHaveLength(1);
    const bad = llmError((await collect(llm.stream(prompt))).error);
    expect([bad.code, bad.retryable]).toEqual(['ERR_LLM_BAD_REQUEST', false]);
    expect(fake.requests).toHaveLength(2);
  });

  it('an error event after one delta is ERR_LLM_INTERRUPTED with partial: true', async () => {
    const fake = await fakeWith();
    fake.enqueue({ kind: 'error-event', afterChunks: ['Par'], errorType: 'overloaded_error' });
    const result = await collect(providerFor(fake).stream(prompt));
    const error = llmError(result.error);
    expect(result.text).toBe('Par');
    expect([error.code, error.partial, error.retryable]).toEqual([
      'ERR_LLM_INTERRUPTED',
      true,
      true,
    ]);
    expect(fake.requests).toHaveLength(1);
  });

  it('an error event before any text is ERR_LLM_INTERRUPTED with partial: false', async () => {
    const fake = await fakeWith();
    fake.enqueue({ kind: 'error-event', afterChunks: [], errorType: 'api_error' });
    const error = llmError((await collect(providerFor(fake).stream(prompt))).error);
    expect([error.code, error.partial]).toEqual(['ERR_LLM_INTERRUPTED', false]);
  });

  it('a socket dropped mid-stream is ERR_LLM_INTERRUPTED with partial: true', async () => {
    const fake = await fakeWith();
    fake.enqueue({ kind: 'drop', afterChunks: ['Par', 'is'] });
    const result = await collect(providerFor(fake).stream(prompt));
    const error = llmError(result.error);
    expect(result.text).toBe('Paris');
    expect([error.code, error.partial]).toEqual(['ERR_LLM_INTERRUPTED', true]);
  });

  it('an unreachable provider is ERR_LLM_UNAVAILABLE', async () => {
    const fake = await fakeWith();
    const baseURL = fake.url;
    await close();
    const error = llmError(
      (await collect(providerFor(fake, { baseURL, sdkMaxRetries: 0 }).stream(prompt))).error,
    );
    expect([error.code, error.retryable]).toEqual(['ERR_LLM_UNAVAILABLE', true]);
  });

  it('keeps prompts, replies, the key and upstream bodies out of logs and errors', async () => {
    const fake = await fakeWith();
    fake.enqueue(
      { kind: 'stream', chunks: ['secret-reply-text'] },
      {
        kind: 'status',
        status: 400,
        body: {
          type: 'error',
          error: { type: 'invalid_request_error', message: 'echo: What is the capital' },
        },
      },
    );
    const apiKey = testApiKey();
    const { logger, lines } = memoryLogger();
    const llm = providerFor(fake, { apiKey, logger });
    await collect(llm.stream(prompt));
    const error = llmError((await collect(llm.stream(prompt))).error);
    for (const text of [lines(), error.message, String((error.cause as Error).message)]) {
      expect(text).not.toContain('capital');
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain('secret-reply-text');
    }
    expect(lines()).toContain('LLM call completed');
    expect(lines()).toContain('ERR_LLM_BAD_REQUEST');
    expect(fake.requests.every((r) => r.headers.authorization === '[redacted]')).toBe(true);
  });
});

describe('createAnthropicProvider against a raw SSE server', () => {
  let raw: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (raw === undefined ? resolve(undefined) : raw.close(resolve)));
    raw = undefined;
  });

  /** Serves the given events, then ends the response: for sequences the fake does not script. */
  async function serveEvents(events: Record<string, unknown>[]): Promise<string> {
    const body = events.map(
      (data) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`,
    );
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream', connection: 'close' });
      res.end(body.join(''));
    });
    raw = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }

  const delta = (inner: Record<string, unknown>): Record<string, unknown> => ({
    type: 'content_block_delta',
    index: 0,
    delta: inner,
  });

  it('a stream that ends without message_stop is ERR_LLM_INTERRUPTED', async () => {
    const baseURL = await serveEvents([delta({ type: 'text_delta', text: 'half' })]);
    const result = await collect(providerFor(undefined, { baseURL }).stream(prompt));
    const error = llmError(result.error);
    expect(result.text).toBe('half');
    expect([error.code, error.partial]).toEqual(['ERR_LLM_INTERRUPTED', true]);
  });

  it('skips non-text and empty deltas and takes usage from message_delta', async () => {
    const usage = { input_tokens: 5, output_tokens: 1 };
    const message = {
      id: 'm',
      type: 'message',
      role: 'assistant',
      content: [],
      model: 'claude-x',
      usage,
    };
    const baseURL = await serveEvents([
      { type: 'message_start', message },
      delta({ type: 'thinking_delta', thinking: 'hidden' }),
      delta({ type: 'text_delta', text: '' }),
      delta({ type: 'text_delta', text: 'shown' }),
      {
        type: 'message_delta',
        delta: { stop_reason: null },
        usage: { input_tokens: 42, output_tokens: 9 },
      },
      { type: 'message_stop' },
    ]);
    const result = await collect(providerFor(undefined, { baseURL }).stream(prompt));
    expect(result.chunks).toEqual([
      { type: 'text', text: 'shown' },
      {
        type: 'done',
        usage: { inputTokens: 42, outputTokens: 9 },
        stopReason: 'unknown',
        model: 'claude-x',
      },
    ]);
  });
});
