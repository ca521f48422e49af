import { afterEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { TestkitError } from '../../src/errors.js';
import { startFakeAnthropic } from '../../src/fake-anthropic.js';
import type { FakeAnthropic, FakeScript } from '../../src/fake-anthropic.js';

interface Event {
  event: string;
  data: Record<string, unknown>;
  at: number;
}

const opened: FakeAnthropic[] = [];

async function fakeWith(...scripts: FakeScript[]): Promise<FakeAnthropic> {
  const fake = await startFakeAnthropic();
  fake.enqueue(...scripts);
  opened.push(fake);
  return fake;
}

function post(
  fake: FakeAnthropic,
  body: unknown,
  init: { signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${fake.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal ?? null,
  });
}

const streamBody = {
  model: 'claude-test',
  max_tokens: 16,
  stream: true,
  messages: [{ role: 'user', content: 'hi' }],
};

/** Reads SSE events until the body ends (or fails: the failure is returned with what came before). */
async function readEvents(
  response: Response,
  stopAfter = Infinity,
): Promise<{ events: Event[]; error: unknown }> {
  const events: Event[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(part, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
        const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<
          string,
          unknown
        >;
        events.push({ event, data, at: performance.now() });
        if (events.length >= stopAfter) return { events, error: undefined };
      }
    }
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

afterEach(async () => {
  for (const fake of opened.splice(0)) await fake.close();
});

describe('startFakeAnthropic', () => {
  it('streams the Messages API event sequence and records the request without the key', async () => {
    const fake = await fakeWith({
      kind: 'stream',
      chunks: ['Hel', 'lo'],
      usage: { inputTokens: 7, outputTokens: 2 },
      stopReason: 'max_tokens',
    });
    const key = randomBytes(16).toString('hex');
    const response = await post(fake, streamBody, {
      headers: { authorization: `Bearer ${key}`, 'x-api-key': key },
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const { events } = await readEvents(response);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]?.data).toMatchObject({
      message: { model: 'claude-test', role: 'assistant', usage: { input_tokens: 7 } },
    });
    expect(events.slice(3, 5).map((e) => e.data)).toEqual([
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
    ]);
    expect(events[6]?.data).toMatchObject({
      delta: { stop_reason: 'max_tokens' },
      usage: { output_tokens: 2 },
    });
    const [record] = fake.requests;
    expect(record).toMatchObject({
      index: 0,
      method: 'POST',
      path: '/v1/messages',
      body: streamBody,
      script: 'stream',
      completed: true,
    });
    expect(record?.abortedAt).toBeUndefined();
    expect([record?.headers.authorization, record?.headers['x-api-key']]).toEqual([
      '[redacted]',
      '[redacted]',
    ]);
    expect(JSON.stringify(record)).not.toContain(key);
  });

  it('paces deltas by delayMs', async () => {
    const fake = await fakeWith({ kind: 'stream', chunks: ['a', 'b', 'c'], delayMs: 40 });
    const { events } = await readEvents(await post(fake, streamBody));
    const deltas = events.filter((e) => e.event === 'content_block_delta');
    expect(deltas[2]!.at - deltas[0]!.at).toBeGreaterThanOrEqual(60);
  });

  it('takes scripts in FIFO order, then the default, which can be replaced', async () => {
    const fake = await fakeWith({ kind: 'status', status: 500 }, { kind: 'status', status: 401 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(fake, streamBody)).status);
    fake.setDefault({ kind: 'status', status: 400 });
    statuses.push((await post(fake, streamBody)).status);
    expect(statuses).toEqual([500, 401, 200, 400]);
  });

  it('answers a status with retry-after, a request id and an Anthropic error body, or the given body', async () => {
    const fake = await fakeWith(
      { kind: 'status', status: 429, retryAfterSec: 3 },
      { kind: 'status', status: 529, body: { custom: true } },
    );
    const limited = await post(fake, streamBody);
    expect([
      limited.status,
      limited.headers.get('retry-after'),
      limited.headers.get('request-id'),
    ]).toEqual([429, '3', 'req_fake_0']);
    expect(await limited.json()).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Fake status 429' },
    });
    const overloaded = await post(fake, streamBody);
    expect([overloaded.status, overloaded.headers.get('retry-after')]).toEqual([529, null]);
    expect(await overloaded.json()).toEqual({ custom: true });
  });

  it('sends an error event after the given deltas', async () => {
    const fake = await fakeWith({
      kind: 'error-event',
      afterChunks: ['x'],
      errorType: 'overloaded_error',
    });
    const { events, error } = await readEvents(await post(fake, streamBody));
    expect(error).toBeUndefined();
    expect(events.map((e) => e.event).slice(-2)).toEqual(['content_block_delta', 'error']);
    expect(events.at(-1)?.data).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Fake upstream error' },
    });
  });

  it('drops the socket mid-stream: the client read fails, and it is not recorded as a client abort', async () => {
    const fake = await fakeWith({ kind: 'drop', afterChunks: ['x', 'y'] });
    const { events, error } = await readEvents(await post(fake, streamBody));
    expect(events.filter((e) => e.event === 'content_block_delta')).toHaveLength(2);
    // fetch errors come from Node's realm, not Jest's: match on the name.
    expect(error).toMatchObject({ name: 'TypeError' });
    expect(fake.requests[0]).toMatchObject({ completed: false });
    expect(fake.requests[0]?.abortedAt).toBeUndefined();
    await fake.waitFor(() => fake.openSockets === 0);
  });

  it('hangs before headers until the client aborts, and records when', async () => {
    const fake = await fakeWith({ kind: 'hang-before-headers' });
    const controller = new AbortController();
    const pending = post(fake, streamBody, { signal: controller.signal });
    await fake.waitFor(() => fake.requests.length === 1);
    expect(fake.openSockets).toBe(1);
    const abortedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await fake.waitFor(() => fake.requests[0]?.abortedAt !== undefined && fake.openSockets === 0);
    expect(fake.requests[0]!.abortedAt! - abortedAt).toBeLessThan(1_000);
    expect(fake.requests[0]?.completed).toBe(false);
  });

  it('hangs after the given deltas until the client aborts', async () => {
    const fake = await fakeWith({ kind: 'hang-after', chunks: ['x'] });
    const controller = new AbortController();
    const response = await post(fake, streamBody, { signal: controller.signal });
    const { events } = await readEvents(response, 4);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
    ]);
    controller.abort();
    await fake.waitFor(() => fake.requests[0]?.abortedAt !== undefined);
  });

  it('answers 404 elsewhere and records unparsable bodies as undefined', async () => {
    const fake = await fakeWith();
    const missing = await fetch(`${fake.url}/v1/other?x=1`);
    expect(missing.status).toBe(404);
    await (await post(fake, '{not json')).text();
    expect(fake.requests.map((r) => [r.path, r.script, r.body])).toEqual([
      ['/v1/other', 'not-found', undefined],
      ['/v1/messages', 'stream', undefined],
    ]);
  });

  it('waitFor rejects with ERR_TESTKIT_TIMEOUT', async () => {
    const fake = await fakeWith();
    await expect(fake.waitFor(() => false, 30)).rejects.toBeInstanceOf(TestkitError);
    await expect(fake.waitFor(() => false, 30)).rejects.toMatchObject({
      code: 'ERR_TESTKIT_TIMEOUT',
    });
  });

  it('close() destroys hanging connections without calling them client aborts, and is idempotent', async () => {
    const fake = await fakeWith(
      { kind: 'hang-before-headers' },
      { kind: 'stream', chunks: ['a'], delayMs: 10_000 },
    );
    const first = post(fake, streamBody).catch((error: unknown) => error);
    const second = post(fake, streamBody).then((response) => readEvents(response));
    await fake.waitFor(() => fake.requests.length === 2);
    await Promise.all([fake.close(), fake.close()]);
    expect(await first).toMatchObject({ name: 'TypeError' });
    expect((await second).error).toMatchObject({ name: 'TypeError' });
    expect(fake.openSockets).toBe(0);
    expect(fake.requests.map((r) => r.abortedAt)).toEqual([undefined, undefined]);
  });
});
