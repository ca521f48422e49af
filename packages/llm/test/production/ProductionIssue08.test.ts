import { afterEach, describe, expect, it } from '@jest/globals';
import { Anthropic } from '@anthropic-ai/sdk';
import { recordFigure, startFakeAnthropic } from '@chatbox/testkit';
import type { FakeAnthropic, FakeScript } from '@chatbox/testkit';
import { createAnthropicProvider, LlmError } from '../../src/index.js';
import type { LlmProvider } from '../../src/index.js';
import { collect, testApiKey } from '../helpers.js';

const FIRST_TOKEN_MS = 300;
const IDLE_MS = 300;
const MARGIN_MS = 1_000;
const prompt = { messages: [{ role: 'user' as const, content: 'Write a long story.' }] };
const opened: FakeAnthropic[] = [];
const providers: LlmProvider[] = [];

async function fakeWith(defaultScript: FakeScript): Promise<FakeAnthropic> {
  const fake = await startFakeAnthropic({ defaultScript });
  opened.push(fake);
  return fake;
}

function providerFor(fake: FakeAnthropic, firstTokenTimeoutMs = FIRST_TOKEN_MS): LlmProvider {
  const provider = createAnthropicProvider({
    apiKey: testApiKey(),
    baseURL: fake.url,
    model: 'claude-test',
    maxTokens: 512,
    firstTokenTimeoutMs,
    idleTimeoutMs: IDLE_MS,
    totalTimeoutMs: 5_000,
  });
  providers.push(provider);
  return provider;
}

afterEach(async () => {
  for (const provider of providers.splice(0)) await provider.close();
  for (const fake of opened.splice(0)) await fake.close();
});

describe('ProductionIssue08_StreamingContext', () => {
  it('every call runs under deadlines that are on by default', () => {
    const provider = createAnthropicProvider({
      apiKey: testApiKey(),
      model: 'claude-test',
      maxTokens: 512,
    });
    providers.push(provider);
    const { firstTokenMs, idleMs, totalMs } = provider.deadlines;
    for (const value of [firstTokenMs, idleMs, totalMs]) {
      expect(value).toBeGreaterThan(0);
      expect(Number.isFinite(value)).toBe(true);
    }
    expect(firstTokenMs).toBeLessThanOrEqual(totalMs);
  });

  it('a caller abort mid-stream ends the call with ERR_LLM_CANCELLED and closes the upstream request within 1 s', async () => {
    const fake = await fakeWith({ kind: 'hang-after', chunks: ['Once upon a time'] });
    const controller = new AbortController();
    let abortedAt = 0;
    const result = await collect(
      providerFor(fake).stream(prompt, { signal: controller.signal }),
      () => {
        abortedAt = Date.now();
        controller.abort();
      },
    );
    expect(result.error).toBeInstanceOf(LlmError);
    expect(result.error).toMatchObject({ code: 'ERR_LLM_CANCELLED', partial: true });
    await fake.waitFor(() => fake.requests[0]?.abortedAt !== undefined, 1_000);
    const latencyMs = fake.requests[0]!.abortedAt! - abortedAt;
    recordFigure('08', 'llm caller abort to upstream request closed', latencyMs, 'ms');
    expect(latencyMs).toBeLessThan(1_000);
    await fake.waitFor(() => fake.openSockets === 0, 1_000);
  });
});

describe('ProductionIssue08_StreamingTimeout', () => {
  it('a provider that never answers yields ERR_LLM_FIRST_TOKEN_TIMEOUT within the deadline and leaves no socket open', async () => {
    const fake = await fakeWith({ kind: 'hang-before-headers' });
    const result = await collect(providerFor(fake).stream(prompt));
    recordFigure(
      '08',
      'llm hang before headers to typed error',
      Math.round(result.elapsedMs),
      'ms',
    );
    expect(result.error).toMatchObject({
      code: 'ERR_LLM_FIRST_TOKEN_TIMEOUT',
      retryable: true,
      partial: false,
    });
    expect(result.elapsedMs).toBeLessThan(FIRST_TOKEN_MS + MARGIN_MS);
    await fake.waitFor(
      () => fake.requests[0]?.abortedAt !== undefined && fake.openSockets === 0,
      1_000,
    );
  });

  it('a stream that stalls mid-way yields ERR_LLM_IDLE_TIMEOUT with partial text and leaves no socket open', async () => {
    const fake = await fakeWith({ kind: 'hang-after', chunks: ['Once', ' upon'] });
    // The first token may be slow on a loaded machine; only the stall is under test here.
    const result = await collect(providerFor(fake, 5_000).stream(prompt));
    recordFigure('08', 'llm stall mid-stream to typed error', Math.round(result.elapsedMs), 'ms');
    expect(result.text).toBe('Once upon');
    expect(result.error).toMatchObject({ code: 'ERR_LLM_IDLE_TIMEOUT', partial: true });
    expect(result.elapsedMs).toBeLessThan(IDLE_MS + MARGIN_MS);
    await fake.waitFor(
      () => fake.requests[0]?.abortedAt !== undefined && fake.openSockets === 0,
      1_000,
    );
  });

  it('the old failure: the bare SDK with its defaults is still waiting on both hangs after the same time', async () => {
    for (const script of [
      { kind: 'hang-before-headers' },
      { kind: 'hang-after', chunks: ['Once'] },
    ] satisfies FakeScript[]) {
      const fake = await fakeWith(script);
      const client = new Anthropic({ apiKey: testApiKey(), baseURL: fake.url, logLevel: 'off' });
      const controller = new AbortController();
      let settled = false;
      const call = (async () => {
        const stream = await client.messages.create(
          { model: 'claude-test', max_tokens: 512, messages: prompt.messages, stream: true },
          { signal: controller.signal },
        );
        for await (const _event of stream) {
          // drain
        }
      })().finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, FIRST_TOKEN_MS + IDLE_MS + 200));
      expect(settled).toBe(false);
      expect(fake.requests[0]?.abortedAt).toBeUndefined();
      controller.abort();
      await call.catch(() => undefined);
    }
  });
});
