import { expect } from '@jest/globals';
import { startFakeAnthropic } from '@chatbox/testkit';
import type { FakeAnthropic, FakeScript } from '@chatbox/testkit';
import { createAnthropicProvider, LlmError } from '../src/index.js';
import type { AnthropicProviderOptions, LlmProvider } from '../src/index.js';
import { testApiKey } from './helpers.js';

export interface AnthropicHarness {
  /** A fake Messages API on loopback, closed by `close()`. */
  fakeWith(defaultScript?: FakeScript): Promise<FakeAnthropic>;
  /** The real provider pointed at `fake`, with the harness's defaults under `overrides`. */
  providerFor(
    fake: FakeAnthropic | undefined,
    overrides?: Partial<AnthropicProviderOptions>,
  ): LlmProvider;
  /** Closes the last provider and every fake opened since the previous call. */
  close(): Promise<void>;
}

export function anthropicHarness(defaults: Partial<AnthropicProviderOptions>): AnthropicHarness {
  const opened: FakeAnthropic[] = [];
  let provider: LlmProvider | undefined;
  return {
    async fakeWith(defaultScript) {
      const fake = await startFakeAnthropic(defaultScript === undefined ? {} : { defaultScript });
      opened.push(fake);
      return fake;
    },
    providerFor(fake, overrides = {}) {
      provider = createAnthropicProvider({
        apiKey: testApiKey(),
        baseURL: fake?.url,
        model: 'claude-test',
        maxTokens: 256,
        ...defaults,
        ...overrides,
      });
      return provider;
    },
    async close() {
      await provider?.close();
      provider = undefined;
      for (const fake of opened.splice(0)) await fake.close();
    },
  };
}

export function llmError(error: unknown): LlmError {
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}
