import { createAnthropicProvider } from '@chatbox/llm';
import type { AnthropicProviderOptions, LlmProvider } from '@chatbox/llm';
import { randomSecret } from '@chatbox/testkit';
import type { FakeAnthropic } from '@chatbox/testkit';

/** The real Anthropic provider (real SDK, real HTTP) pointed at the test kit's fake server. */
export function anthropicFor(
  fake: FakeAnthropic,
  options: Partial<AnthropicProviderOptions> = {},
): LlmProvider {
  return createAnthropicProvider({
    apiKey: randomSecret(),
    baseURL: fake.url,
    model: 'claude-test',
    maxTokens: 512,
    sdkMaxRetries: 0,
    ...options,
  });
}
