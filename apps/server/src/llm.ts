import type { LlmConfig } from '@chatbox/config';
import { createAnthropicProvider, createDemoProvider, DEMO_MODEL } from '@chatbox/llm';
import type { LlmProvider } from '@chatbox/llm';
import type { Logger } from 'pino';
import type { LlmStatus } from './health.js';

/** The configured provider; `demo` when configured so or when development has no API key. */
export function createLlmProvider(
  config: LlmConfig,
  maxInputChars: number,
  logger: Logger,
): LlmProvider {
  const deadlines = {
    firstTokenTimeoutMs: config.firstTokenTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    totalTimeoutMs: config.totalTimeoutMs,
  };
  if (config.provider === 'anthropic' && config.apiKey !== undefined) {
    return createAnthropicProvider({
      apiKey: config.apiKey,
      ...(config.baseUrl === undefined ? {} : { baseURL: config.baseUrl }),
      model: config.model,
      maxTokens: config.maxTokens,
      maxInputChars,
      ...deadlines,
      sdkTimeoutMs: config.sdkTimeoutMs,
      sdkMaxRetries: config.sdkMaxRetries,
      logger,
    });
  }
  return createDemoProvider({
    delayMs: config.demoDelayMs,
    maxTokens: config.maxTokens,
    maxInputChars,
    ...deadlines,
    logger,
  });
}

export function llmStatus(provider: LlmProvider, config: LlmConfig): LlmStatus {
  return provider.demo
    ? { status: 'demo', provider: provider.name, model: DEMO_MODEL }
    : { status: 'configured', provider: provider.name, model: config.model };
}
