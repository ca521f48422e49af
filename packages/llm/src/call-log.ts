import type { Logger } from 'pino';
import type { LlmError } from './errors.js';
import type { PreparedRequest } from './request-limits.js';
import type { LlmUsage } from './types.js';

/** The SDK's logger shape; extra arguments are dropped because they can hold request bodies. */
export interface SdkLogger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

export function sdkLoggerFor(logger: Logger): SdkLogger {
  const sdk = logger.child({ component: 'anthropic-sdk' });
  return {
    error: (message) => sdk.error(message),
    warn: (message) => sdk.warn(message),
    info: (message) => sdk.info(message),
    debug: (message) => sdk.debug(message),
  };
}

export interface CallTotals {
  usage: LlmUsage;
  stopReason: string;
  model: string;
  /** The `done` chunk was handed to the consumer. */
  completed: boolean;
  outputChars: number;
}

export interface CallSummary {
  prepared: PreparedRequest;
  totals: CallTotals;
  durationMs: number;
  failure: LlmError | undefined;
}

/** S15: one line per call with sizes, usage and outcome; never the prompt, the reply or the key. */
export function settleCall(logger: Logger, summary: CallSummary): void {
  const { prepared, totals, durationMs, failure } = summary;
  const fields = {
    model: totals.model,
    durationMs,
    inputChars: prepared.inputChars,
    outputChars: totals.outputChars,
    maxTokens: prepared.maxTokens,
  };
  if (failure !== undefined) {
    const level = failure.code === 'ERR_LLM_CANCELLED' ? 'info' : 'warn';
    logger[level](
      {
        ...fields,
        code: failure.code,
        retryable: failure.retryable,
        partial: failure.partial,
        upstream: (failure.cause as Error | undefined)?.message,
      },
      'LLM call failed',
    );
  } else if (totals.completed) {
    logger.info(
      { ...fields, usage: totals.usage, stopReason: totals.stopReason },
      'LLM call completed',
    );
  } else {
    logger.info({ ...fields, code: 'ERR_LLM_CANCELLED' }, 'LLM call abandoned by its consumer');
  }
}
