import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomSecret, startFakeAnthropic } from '@chatbox/testkit';
import type { FakeAnthropic } from '@chatbox/testkit';
import type { ReadinessReport } from '../../src/health.js';
import { nextFrame } from '../support/frames.js';
import { http, startApp } from '../support/harness.js';
import type { RunningApp } from '../support/harness.js';

// The real Anthropic SDK, wired by the app from config, talking HTTP to the test kit's fake.
describe('the Anthropic provider, configured', () => {
  let fake: FakeAnthropic;
  let running: RunningApp;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    running = await startApp({
      CHATBOX_LLM_PROVIDER: 'anthropic',
      CHATBOX_LLM_API_KEY: randomSecret(32),
      CHATBOX_LLM_BASE_URL: fake.url,
      CHATBOX_LLM_SDK_MAX_RETRIES: '0',
      // A model id the SDK has no deprecation notice for: the fake answers any.
      CHATBOX_LLM_MODEL: 'chatbox-test-model',
    });
  });
  afterAll(async () => {
    await running?.close();
    await fake?.close();
  });

  it('streams the model reply, not labelled demo, and reports the model as configured', async () => {
    fake.enqueue({
      kind: 'stream',
      chunks: ['Bonjour', ', ', 'monde.'],
      usage: { inputTokens: 7, outputTokens: 3 },
    });
    const client = await running.connect(await running.token('anna'));
    client.send({ type: 'send', clientMessageId: randomUUID(), content: 'say hello in French' });
    const session = await nextFrame(client, 'session');
    expect(session.demo).toBe(false);
    const done = await nextFrame(client, 'done', undefined, 10_000);
    expect(done).toMatchObject({ status: 'complete', usage: { inputTokens: 7, outputTokens: 3 } });
    const text = (client.received as { type: string; text?: string }[])
      .filter((f) => f.type === 'delta')
      .map((f) => f.text)
      .join('');
    expect(text).toBe('Bonjour, monde.');
    const request = fake.requests.at(-1)!;
    expect(request.body).toMatchObject({
      model: running.config.llm.model,
      max_tokens: running.config.llm.maxTokens,
      stream: true,
    });
    const readiness = await http<ReadinessReport>(running.baseUrl, '/readyz');
    expect(readiness.body.checks.llm).toEqual({
      status: 'configured',
      provider: 'anthropic',
      model: running.config.llm.model,
    });
  });

  it('maps an upstream refusal to a clear error frame and counts it by code', async () => {
    fake.enqueue({ kind: 'status', status: 401 });
    const client = await running.connect(await running.token('bruno'));
    client.send({ type: 'send', clientMessageId: randomUUID(), content: 'hello' });
    const error = await nextFrame(client, 'error', undefined, 10_000);
    expect(error).toMatchObject({ code: 'upstream_rejected', retryable: false });
    const metrics = await http(running.baseUrl, '/metrics');
    expect(metrics.text).toMatch(/^chatbox_llm_errors_total\{code="ERR_LLM_AUTH"\} 1$/m);
  });
});
