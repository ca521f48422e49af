export { createAnthropicProvider } from './anthropic-provider.js';
export {
  DEFAULT_ANTHROPIC_BASE_URL,
  DEFAULT_SDK_MAX_RETRIES,
  DEFAULT_SDK_TIMEOUT_MS,
  SDK_TIMEOUT_MARGIN_MS,
} from './anthropic-options.js';
export type { AnthropicProviderOptions } from './anthropic-options.js';
export {
  createDemoProvider,
  DEFAULT_DEMO_CHUNK_SIZE,
  DEFAULT_DEMO_DELAY_MS,
  DEMO_MODEL,
} from './demo-provider.js';
export type { DemoProviderOptions } from './demo-provider.js';
export {
  DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_TOTAL_TIMEOUT_MS,
} from './deadlines.js';
export { DEFAULT_MAX_INPUT_CHARS } from './request-limits.js';
export { LlmError, isLlmError } from './errors.js';
export type { LlmErrorCode, LlmErrorOptions } from './errors.js';
export type {
  LlmChunk,
  LlmClock,
  LlmDeadlines,
  LlmMessage,
  LlmProvider,
  LlmRequest,
  LlmStreamOptions,
  LlmTimers,
  LlmUsage,
  TimerHandle,
} from './types.js';
