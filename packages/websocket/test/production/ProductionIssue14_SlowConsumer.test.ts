import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createAnthropicProvider } from '@chatbox/llm';
import {
  forceGc,
  heapUsedBytes,
  randomSecret,
  recordFigure,
  startFakeAnthropic,
  type FakeAnthropic,
} from '@chatbox/testkit';
import type { GatewayEvent } from '../../src/index.js';
import { nextOfType } from '../support/frames.js';
import { startHarness, type Harness } from '../support/harness.js';
import { until } from '../support/stub-router.js';
import { startStack, type Stack } from '../support/stack.js';

const MIB = 1024 * 1024;
const SEND_BUFFER_LIMIT = 1 * MIB;
const CHUNK = 'x'.repeat(16 * 1024);
const CHUNKS = 4_096; // a 64 MiB reply: what the old design would have queued for a reader that never reads

describe('finding 14: a client that stops reading is cut off, memory stays bounded', () => {
  let harness: Harness | undefined;
  let stack: Stack | undefined;
  let fake: FakeAnthropic | undefined;
  afterEach(async () => {
    await harness?.close();
    await stack?.close();
    await fake?.close();
  });

  it('ProductionIssue14_SlowConsumer', async () => {
    fake = await startFakeAnthropic();
    // One array slot per chunk, all the same string: the fake itself holds 16 KiB, not 64 MiB.
    fake.enqueue({ kind: 'stream', chunks: Array<string>(CHUNKS).fill(CHUNK), delayMs: 1 });
    const llm = createAnthropicProvider({
      apiKey: randomSecret(),
      baseURL: fake.url,
      model: 'claude-test',
      maxTokens: 512,
      sdkMaxRetries: 0,
    });
    stack = startStack({ llm });
    harness = await startHarness({
      router: stack.router,
      sendBufferLimitBytes: SEND_BUFFER_LIMIT,
      closeGraceMs: 20_000,
    });
    const client = await harness.connect({ sub: 'slow-reader' });

    forceGc();
    const baseline = heapUsedBytes();
    client.send({ type: 'send', clientMessageId: randomUUID(), content: 'tell me everything' });
    const ack = await nextOfType(client, 'ack');
    await nextOfType(client, 'delta');
    client.pause();
    const pausedAt = Date.now();

    await until(
      () => harness!.events.some((e) => e.type === 'send_buffer_exceeded'),
      20_000,
      'the send buffer bound',
    );
    const cutOffMs = Date.now() - pausedAt;
    forceGc();
    const liveAtCutOff = heapUsedBytes() - baseline;
    const exceeded = harness.events.find(
      (e): e is Extract<GatewayEvent, { type: 'send_buffer_exceeded' }> =>
        e.type === 'send_buffer_exceeded',
    );
    expect(exceeded!.bufferedBytes).toBeLessThanOrEqual(SEND_BUFFER_LIMIT);

    // The model call is aborted (R9 / R13) and the partial reply stored as interrupted.
    await fake.waitFor(() => fake!.requests[0]?.abortedAt !== undefined, 5_000);
    expect(fake.requests[0]!.completed).toBe(false);
    await until(() => stack!.router.stats().generations === 0, 5_000, 'the generation to end');
    const assistant = (await stack.store.getMessages(ack.sessionId)).find(
      (m) => m.role === 'assistant',
    );
    expect(assistant?.status).toBe('interrupted');
    const streamedBytes = Buffer.byteLength(assistant?.content ?? '');
    expect(streamedBytes).toBeGreaterThan(0);
    expect(streamedBytes).toBeLessThan(CHUNKS * CHUNK.length);

    // The client reads again: everything up to the bound, then the close frame.
    client.resume();
    expect(await client.closed).toEqual({ code: 1013, reason: 'send_buffer_full' });
    forceGc();
    const retained = heapUsedBytes() - baseline;

    recordFigure('14', 'send buffer at cut-off', exceeded!.bufferedBytes, 'bytes');
    recordFigure('14', 'reply streamed before cut-off', streamedBytes, 'bytes');
    recordFigure('14', 'time from pause to cut-off', cutOffMs, 'ms');
    recordFigure('14', 'live heap growth at cut-off', liveAtCutOff, 'bytes');
    recordFigure('14', 'heap retained after cut-off and GC', retained, 'bytes');
    // Generous bounds: the reply was 64 MiB; what stays is the stored partial (kept in the store
    // and the session history), nowhere near the reply the old design would have queued.
    for (const growth of [liveAtCutOff, retained]) {
      expect(growth).toBeLessThan(4 * streamedBytes + 16 * MIB);
      expect(growth).toBeLessThan((CHUNKS * CHUNK.length) / 2);
    }
  });
});
