import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type {
  AnthropicProviderOptions,
  LlmChunk,
  LlmProvider,
  LlmRequest,
  LlmStreamOptions,
} from '@chatbox/llm';
import { recordFigure, startFakeAnthropic } from '@chatbox/testkit';
import type { FakeAnthropic, FakeRequestRecord, FakeScript } from '@chatbox/testkit';
import { anthropicFor } from '../support/anthropic.js';
import type { Harness } from '../support/harness.js';
import { createHarness, sendFrame, until } from '../support/harness.js';

// R9: an abort reaches the upstream within this; deadlines are asserted with the same margin.
const ABORT_BOUND_MS = 1_000;
const MARGIN_MS = 1_500;

let fake: FakeAnthropic;
let harness: Harness | undefined;
beforeEach(async () => {
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await fake.close();
});

interface Recorded {
  readonly request: LlmRequest;
  readonly signal: AbortSignal | undefined;
  readonly abortedAtCall: boolean;
}

/** The real provider, wrapped to record what every call receives. */
function recording(provider: LlmProvider): LlmProvider & { calls: Recorded[] } {
  const calls: Recorded[] = [];
  return {
    name: provider.name,
    demo: provider.demo,
    deadlines: provider.deadlines,
    calls,
    stream(request: LlmRequest, options?: LlmStreamOptions): AsyncIterable<LlmChunk> {
      calls.push({
        request,
        signal: options?.signal,
        abortedAtCall: options?.signal?.aborted ?? false,
      });
      return provider.stream(request, options);
    },
    close: () => provider.close(),
  };
}

async function streamingTurn(script: FakeScript, options: Partial<AnthropicProviderOptions> = {}) {
  fake.enqueue(script);
  const llm = recording(
    anthropicFor(fake, {
      firstTokenTimeoutMs: 10_000,
      idleTimeoutMs: 10_000,
      totalTimeoutMs: 20_000,
      ...options,
    }),
  );
  const h = (harness = createHarness({ llm }));
  const conn = h.connect();
  const startedAt = Date.now();
  await h.router.handle(conn, sendFrame('please answer'));
  const sessionId = conn.of('session')[0]!.sessionId;
  return { h, llm, conn, sessionId, startedAt };
}

function lastRequest(): FakeRequestRecord {
  return fake.requests.at(-1)!;
}

async function upstreamClosedWithin(since: number): Promise<number> {
  await fake.waitFor(() => lastRequest().abortedAt !== undefined, ABORT_BOUND_MS + MARGIN_MS);
  const ms = lastRequest().abortedAt! - since;
  expect(ms).toBeLessThan(ABORT_BOUND_MS);
  await fake.waitFor(() => fake.openSockets === 0, ABORT_BOUND_MS);
  return ms;
}

async function storedReply(h: Harness, sessionId: string) {
  await until(() => h.router.stats().generations === 0);
  return (await h.store.getMessages(sessionId))[1]!;
}

describe('ProductionIssue08_StreamingContext', () => {
  it('every call gets its own abort signal and the configured deadlines', async () => {
    fake.setDefault({ kind: 'stream', chunks: ['a', 'b'] });
    const llm = recording(
      anthropicFor(fake, {
        firstTokenTimeoutMs: 2_000,
        idleTimeoutMs: 1_000,
        totalTimeoutMs: 5_000,
      }),
    );
    const h = (harness = createHarness({ llm, maxTokens: 64 }));
    const conn = h.connect();
    for (let i = 0; i < 3; i += 1) {
      await h.router.handle(conn, sendFrame(`question ${i}`));
      await conn.waitFor('done', (d) => d.seq === 2 * (i + 1));
      await until(() => h.router.stats().generations === 0);
    }
    expect(llm.deadlines).toEqual({ firstTokenMs: 2_000, idleMs: 1_000, totalMs: 5_000 });
    expect(llm.calls).toHaveLength(3);
    for (const call of llm.calls) {
      expect(call.signal).toBeInstanceOf(AbortSignal);
      expect(call.abortedAtCall).toBe(false);
      expect(call.request.maxTokens).toBe(64);
    }
    expect(new Set(llm.calls.map((c) => c.signal)).size).toBe(3);
    expect(fake.requests.map((r) => (r.body as { max_tokens?: number }).max_tokens)).toEqual([
      64, 64, 64,
    ]);
  });

  it('cancel aborts the upstream request: the fake sees it closed within 1 s, partial stored cancelled', async () => {
    const { h, llm, conn, sessionId } = await streamingTurn({
      kind: 'hang-after',
      chunks: ['partial answer'],
    });
    await conn.waitFor('delta');
    const cancelledAt = Date.now();
    await h.router.handle(conn, { type: 'cancel' });
    const ms = await upstreamClosedWithin(cancelledAt);
    recordFigure('08', 'cancel to upstream request closed', ms, 'ms');
    expect(llm.calls[0]!.signal!.aborted).toBe(true);
    expect(await conn.waitFor('done')).toMatchObject({ status: 'cancelled' });
    expect(await storedReply(h, sessionId)).toMatchObject({
      status: 'cancelled',
      content: 'partial answer',
    });
  });

  it('a client disconnect aborts it within 1 s, partial stored interrupted', async () => {
    const { h, conn, sessionId } = await streamingTurn({ kind: 'hang-after', chunks: ['half'] });
    await conn.waitFor('delta');
    const droppedAt = Date.now();
    conn.close(1006, 'gone');
    const ms = await upstreamClosedWithin(droppedAt);
    recordFigure('08', 'client disconnect to upstream request closed', ms, 'ms');
    expect(await storedReply(h, sessionId)).toMatchObject({
      status: 'interrupted',
      content: 'half',
      errorCode: 'client_disconnected',
    });
  });

  it('end_session aborts a call that has no response headers yet', async () => {
    const { h, conn, sessionId } = await streamingTurn({ kind: 'hang-before-headers' });
    await fake.waitFor(() => fake.requests.length === 1);
    const endedAt = Date.now();
    await h.router.handle(conn, { type: 'end_session' });
    await upstreamClosedWithin(endedAt);
    expect(conn.closed).toEqual({ code: 4002, reason: 'session_ended' });
    expect(await storedReply(h, sessionId)).toMatchObject({ status: 'cancelled', content: '' });
  });

  it('shutdown (abortAll) aborts it within 1 s and stores the partial interrupted', async () => {
    const { h, conn, sessionId } = await streamingTurn({
      kind: 'hang-after',
      chunks: ['before shutdown'],
    });
    await conn.waitFor('delta');
    const shutdownAt = Date.now();
    await h.router.abortAll();
    const ms = await upstreamClosedWithin(shutdownAt);
    recordFigure('08', 'shutdown to upstream request closed', ms, 'ms');
    expect(conn.of('error')[0]).toMatchObject({ code: 'upstream_interrupted', partial: true });
    expect(await storedReply(h, sessionId)).toMatchObject({
      status: 'interrupted',
      content: 'before shutdown',
    });
  });
});

describe('ProductionIssue08_StreamingTimeout', () => {
  it('a provider that never sends headers: upstream_timeout within the first-token deadline, no socket left', async () => {
    const { h, conn, sessionId, startedAt } = await streamingTurn(
      { kind: 'hang-before-headers' },
      { firstTokenTimeoutMs: 500 },
    );
    const error = await conn.waitFor('error', () => true, 500 + MARGIN_MS + 1_000);
    const elapsed = Date.now() - startedAt;
    recordFigure(
      '08',
      'hang before headers to error frame with a 500 ms first-token deadline',
      elapsed,
      'ms',
    );
    expect(error).toMatchObject({ code: 'upstream_timeout', retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(500 + MARGIN_MS);
    expect(await conn.waitFor('done')).toMatchObject({ status: 'error' });
    expect(await storedReply(h, sessionId)).toMatchObject({
      status: 'error',
      errorCode: 'ERR_LLM_FIRST_TOKEN_TIMEOUT',
    });
    await upstreamClosedWithin(startedAt + 500);
  });

  it('a provider that stalls mid-stream: upstream_interrupted within the idle deadline, partial stored interrupted', async () => {
    const { h, conn, sessionId } = await streamingTurn(
      { kind: 'hang-after', chunks: ['the start ', 'of a reply'] },
      { idleTimeoutMs: 500 },
    );
    await conn.waitFor('delta', (d) => d.offset > 0);
    const stalledAt = Date.now();
    const error = await conn.waitFor('error', () => true, 500 + MARGIN_MS + 1_000);
    const elapsed = Date.now() - stalledAt;
    recordFigure(
      '08',
      'stall mid-stream to error frame with a 500 ms idle deadline',
      elapsed,
      'ms',
    );
    expect(error).toMatchObject({ code: 'upstream_interrupted', partial: true, retryable: true });
    expect(elapsed).toBeLessThan(500 + MARGIN_MS);
    expect(await conn.waitFor('done')).toMatchObject({ status: 'interrupted' });
    expect(await storedReply(h, sessionId)).toMatchObject({
      status: 'interrupted',
      content: 'the start of a reply',
      errorCode: 'ERR_LLM_IDLE_TIMEOUT',
    });
    await upstreamClosedWithin(stalledAt + 500);
  });

  it('a reply slower than the total deadline is cut at it, partial stored interrupted', async () => {
    const chunks = Array.from({ length: 60 }, (_, i) => `w${i} `);
    const { h, conn, sessionId, startedAt } = await streamingTurn(
      { kind: 'stream', chunks, delayMs: 50 },
      { totalTimeoutMs: 1_000 },
    );
    const error = await conn.waitFor('error', () => true, 1_000 + MARGIN_MS + 1_000);
    const elapsed = Date.now() - startedAt;
    recordFigure('08', 'slow stream to error frame with a 1000 ms total deadline', elapsed, 'ms');
    expect(error).toMatchObject({ code: 'upstream_interrupted', partial: true });
    expect(elapsed).toBeLessThan(1_000 + MARGIN_MS);
    const stored = await storedReply(h, sessionId);
    expect(stored).toMatchObject({ status: 'interrupted', errorCode: 'ERR_LLM_DEADLINE' });
    expect(stored.content).toBe(conn.textOf(2));
    expect(stored.content.length).toBeLessThan(chunks.join('').length);
    await upstreamClosedWithin(startedAt + 1_000);
  });
});
