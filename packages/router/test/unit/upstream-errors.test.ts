import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startFakeAnthropic } from '@chatbox/testkit';
import type { FakeAnthropic } from '@chatbox/testkit';
import { anthropicFor } from '../support/anthropic.js';
import type { Harness } from '../support/harness.js';
import { createHarness, sendFrame, until } from '../support/harness.js';

let fake: FakeAnthropic;
let harness: Harness | undefined;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(async () => {
  await fake.close();
});

async function turn(content: string, sdkMaxRetries = 0) {
  harness = createHarness({
    llm: anthropicFor(fake, { sdkMaxRetries, firstTokenTimeoutMs: 5_000 }),
  });
  const conn = harness.connect();
  await harness.router.handle(conn, sendFrame(content));
  const done = await conn.waitFor('done');
  await until(() => harness!.router.stats().generations === 0);
  const stored = await harness.store.getMessages(done.sessionId);
  return { conn, done, stored, h: harness };
}

describe('upstream failures reach the client as typed error frames', () => {
  it('529 then OK: the SDK retry before the stream starts gives one complete reply', async () => {
    fake.enqueue({ kind: 'status', status: 529 }, { kind: 'stream', chunks: ['fine ', 'now'] });
    const before = fake.requests.length;
    const { conn, done, stored } = await turn('hello', 1);
    expect(done.status).toBe('complete');
    expect(conn.textOf(done.seq)).toBe('fine now');
    expect(conn.of('error')).toHaveLength(0);
    expect(fake.requests.length - before).toBe(2);
    expect(stored[1]).toMatchObject({ status: 'complete', content: 'fine now' });
  });

  it('529 without retries: upstream_unavailable, retryable, message stored as error', async () => {
    fake.enqueue({ kind: 'status', status: 529 });
    const { conn, done, stored, h } = await turn('hello');
    expect(conn.of('error')[0]).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(done.status).toBe('error');
    expect(stored[1]).toMatchObject({ status: 'error', errorCode: 'ERR_LLM_OVERLOADED' });
    expect(h.events).toContainEqual({ type: 'llm_error', code: 'ERR_LLM_OVERLOADED' });
  });

  it('429 with retry-after: rate_limited with retryAfterMs', async () => {
    fake.enqueue({ kind: 'status', status: 429, retryAfterSec: 30 });
    const { conn, done } = await turn('hello', 2);
    expect(conn.of('error')[0]).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 30_000,
    });
    expect(done.status).toBe('error');
  });

  it('401: upstream_rejected, and nothing of the upstream body reaches the client (S14)', async () => {
    fake.enqueue({
      kind: 'status',
      status: 401,
      body: {
        type: 'error',
        error: { type: 'authentication_error', message: 'secret-upstream-detail' },
      },
    });
    const { conn, done } = await turn('hello');
    expect(conn.of('error')[0]).toMatchObject({ code: 'upstream_rejected', retryable: false });
    expect(done.status).toBe('error');
    expect(conn.raw.join('\n')).not.toContain('secret-upstream-detail');
    expect(conn.raw.join('\n')).not.toContain('authentication_error');
  });

  it('an error event after one delta (R8): upstream_interrupted, partial, stored interrupted', async () => {
    fake.enqueue({
      kind: 'error-event',
      afterChunks: ['partial text'],
      errorType: 'overloaded_error',
    });
    const { conn, done, stored } = await turn('hello');
    expect(conn.of('error')[0]).toMatchObject({
      code: 'upstream_interrupted',
      partial: true,
      retryable: true,
    });
    expect(done.status).toBe('interrupted');
    expect(conn.textOf(done.seq)).toBe('partial text');
    expect(stored[1]).toMatchObject({
      status: 'interrupted',
      content: 'partial text',
      errorCode: 'ERR_LLM_INTERRUPTED',
    });
  });

  it('an error event before any text: upstream_unavailable, stored error', async () => {
    fake.enqueue({ kind: 'error-event', afterChunks: [], errorType: 'api_error' });
    const { conn, done, stored } = await turn('hello');
    expect(conn.of('error')[0]).toMatchObject({ code: 'upstream_unavailable' });
    expect(done.status).toBe('error');
    expect(stored[1]).toMatchObject({ status: 'error', content: '' });
  });

  it('a socket drop mid-stream: the partial reply is kept as interrupted', async () => {
    fake.enqueue({ kind: 'drop', afterChunks: ['one ', 'two'] });
    const { conn, done, stored } = await turn('hello');
    expect(conn.of('error')[0]).toMatchObject({ code: 'upstream_interrupted', partial: true });
    expect(stored[1]).toMatchObject({ status: 'interrupted', content: 'one two' });
    expect(done.status).toBe('interrupted');
  });
});
