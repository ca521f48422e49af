import type { Logger } from 'pino';
import { DEFAULT_TOTAL_TIMEOUT_MS, normaliseDeadlines, positiveInteger } from './deadlines.js';
import { DEFAULT_MAX_INPUT_CHARS } from './request-limits.js';
import type { RequestLimits } from './request-limits.js';
import { silentLogger, systemClock, systemTimers } from './runtime.js';
import type { LlmClock, LlmDeadlines, LlmTimers } from './types.js';

export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
/** The SDK's own per-attempt timeout is only a backstop: chatbox's deadlines fire first. */
export const SDK_TIMEOUT_MARGIN_MS = 5_000;
export const DEFAULT_SDK_TIMEOUT_MS = DEFAULT_TOTAL_TIMEOUT_MS + SDK_TIMEOUT_MARGIN_MS;
export const DEFAULT_SDK_MAX_RETRIES = 2;

export interface AnthropicProviderOptions {
  apiKey: string;
  /** Always passed to the SDK, so its ANTHROPIC_BASE_URL environment fallback is never used. */
  baseURL?: string;
  model: string;
  /** Upper bound for `max_tokens`; a request may ask for less, never more. */
  maxTokens: number;
  maxInputChars?: number;
  firstTokenTimeoutMs?: number;
  idleTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** SDK timeout per attempt (until response headers); defaults to the total deadline + margin. */
  sdkTimeoutMs?: number;
  /** SDK retries before the stream starts (408/409/429/5xx/connection errors). */
  sdkMaxRetries?: number;
  logger?: Logger;
  clock?: LlmClock;
  timers?: LlmTimers;
}

export interface AnthropicSettings {
  apiKey: string;
  baseURL: string;
  deadlines: LlmDeadlines;
  limits: RequestLimits;
  sdkTimeoutMs: number;
  sdkMaxRetries: number;
  logger: Logger;
  clock: LlmClock;
  timers: LlmTimers;
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    // The value itself is never echoed: it may be the API key.
    throw new TypeError(`${name} must be a non-empty string`);
  }
  return value;
}

function httpURL(value: string): string {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new TypeError('baseURL must be an absolute http(s) URL');
  }
  return value;
}

/** Checked once at construction; invalid options throw a TypeError. */
export function normaliseAnthropicOptions(options: AnthropicProviderOptions): AnthropicSettings {
  const deadlines = normaliseDeadlines(options);
  const sdkMaxRetries = options.sdkMaxRetries ?? DEFAULT_SDK_MAX_RETRIES;
  if (!Number.isSafeInteger(sdkMaxRetries) || sdkMaxRetries < 0) {
    throw new TypeError(
      `sdkMaxRetries must be a non-negative integer, got ${String(sdkMaxRetries)}`,
    );
  }
  return {
    apiKey: nonEmpty('apiKey', options.apiKey),
    baseURL: httpURL(options.baseURL ?? DEFAULT_ANTHROPIC_BASE_URL),
    deadlines,
    limits: {
      model: nonEmpty('model', options.model),
      maxTokens: positiveInteger('maxTokens', options.maxTokens, 0),
      maxInputChars: positiveInteger(
        'maxInputChars',
        options.maxInputChars,
        DEFAULT_MAX_INPUT_CHARS,
      ),
    },
    sdkTimeoutMs: positiveInteger(
      'sdkTimeoutMs',
      options.sdkTimeoutMs,
      deadlines.totalMs + SDK_TIMEOUT_MARGIN_MS,
    ),
    sdkMaxRetries,
    logger: (options.logger ?? silentLogger()).child({ component: 'llm', provider: 'anthropic' }),
    clock: options.clock ?? systemClock,
    timers: options.timers ?? systemTimers,
  };
}
