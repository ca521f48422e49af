import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { LlmError } from './errors.js';
import type { LlmErrorCode } from './errors.js';

/** Where the call was when it failed: before the 200 response, or while reading its events. */
export type UpstreamPhase = 'connect' | 'stream';

const MAX_RETRY_AFTER_MS = 2 ** 31 - 1;

/** `retry-after-ms` (what the SDK prefers), then `retry-after` in seconds or as an HTTP date. */
export function retryAfterMsOf(headers: Headers | undefined, now: number): number | undefined {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0)
    return Math.min(Math.ceil(millis), MAX_RETRY_AFTER_MS);
  const raw = headers?.get('retry-after');
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(raw) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(Math.ceil(ms), MAX_RETRY_AFTER_MS);
}

/**
 * S14: the cause keeps what helps an operator (status, the API's error type, request id) and drops
 * the upstream body and message, which can echo the prompt.
 */
function safeCause(error: unknown): Error {
  if (error instanceof APIError) {
    const parts = [
      error.status === undefined ? 'upstream error event' : `upstream status ${error.status}`,
    ];
    if (error.type !== null) parts.push(`type ${error.type}`);
    if (typeof error.requestID === 'string') parts.push(`request-id ${error.requestID}`);
    return new Error(parts.join(', '));
  }
  // Duck-typed: undici's errors can come from another realm (e.g. under Jest's VM).
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === 'string') {
    const nested = (error as { cause?: { code?: unknown } }).cause?.code;
    return new Error(typeof nested === 'string' ? `${name} (${nested})` : name);
  }
  return new Error('non-error thrown');
}

interface StatusMapping {
  code: LlmErrorCode;
  retryable: boolean;
  message: string;
}

function mapStatus(status: number): StatusMapping {
  if (status === 429)
    return { code: 'ERR_LLM_RATE_LIMITED', retryable: true, message: 'model rate limit reached' };
  if (status === 529)
    return { code: 'ERR_LLM_OVERLOADED', retryable: true, message: 'model is overloaded' };
  if (status === 401 || status === 402 || status === 403) {
    return {
      code: 'ERR_LLM_AUTH',
      retryable: false,
      message: 'model provider refused the credentials',
    };
  }
  if (status === 413)
    return {
      code: 'ERR_LLM_INPUT_TOO_LARGE',
      retryable: false,
      message: 'model provider refused the input size',
    };
  if (status === 408 || status === 409 || status >= 500) {
    return { code: 'ERR_LLM_UNAVAILABLE', retryable: true, message: 'model provider unavailable' };
  }
  return {
    code: 'ERR_LLM_BAD_REQUEST',
    retryable: false,
    message: 'model provider rejected the request',
  };
}

/**
 * Maps an SDK failure that chatbox's own controller did not cause. Any failure after the stream has
 * started (an `event: error`, a dropped socket, a stream ending without `message_stop`) is
 * ERR_LLM_INTERRUPTED: the SDK does not retry those (reliability.md).
 */
export function mapUpstreamError(
  error: unknown,
  phase: UpstreamPhase,
  partial: boolean,
  now: number,
): LlmError {
  const cause = safeCause(error);
  if (phase === 'stream') {
    return new LlmError('ERR_LLM_INTERRUPTED', 'model stream interrupted', {
      retryable: true,
      partial,
      cause,
    });
  }
  if (error instanceof APIUserAbortError) {
    return new LlmError('ERR_LLM_CANCELLED', 'LLM call cancelled', { partial, cause });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new LlmError('ERR_LLM_UNAVAILABLE', 'model provider timed out', {
      retryable: true,
      partial,
      cause,
    });
  }
  if (error instanceof APIConnectionError) {
    return new LlmError('ERR_LLM_UNAVAILABLE', 'model provider unreachable', {
      retryable: true,
      partial,
      cause,
    });
  }
  // `instanceof` narrows to APIError<any, ...>: read the fields through the declared types.
  const status: number | undefined =
    error instanceof APIError ? (error.status as number | undefined) : undefined;
  if (status !== undefined) {
    const { headers } = error as APIError;
    const mapped = mapStatus(status);
    const retryAfterMs = mapped.retryable ? retryAfterMsOf(headers, now) : undefined;
    return new LlmError(mapped.code, mapped.message, {
      retryable: mapped.retryable,
      partial,
      cause,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return new LlmError('ERR_LLM_UNAVAILABLE', 'model call failed', {
    retryable: true,
    partial,
    cause,
  });
}
