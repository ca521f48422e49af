import { isLlmError } from '@chatbox/llm';
import type { LlmError, LlmErrorCode } from '@chatbox/llm';
import { WIRE_ERROR_RETRYABLE } from '@chatbox/message';
import type { WireErrorCode } from '@chatbox/message';
import { isSessionError } from '@chatbox/session';
import type { SessionErrorCode } from '@chatbox/session';
import { isRouterError } from './errors.js';
import type { RouterErrorCode } from './errors.js';
import type { FinalStatus } from './types.js';

/** What an `error` frame says. S14: fixed messages only, never an upstream body or a stack. */
export interface WireFailure {
  readonly code: WireErrorCode;
  readonly message: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly partial?: boolean;
}

const MESSAGES: Readonly<Record<WireErrorCode, string>> = {
  bad_json: 'frame is not JSON',
  bad_frame: 'frame is not valid',
  too_long: 'message is too long',
  unsupported_frame: 'frame type is not supported',
  rate_limited: 'too many requests, slow down',
  too_many_generations: 'a reply is already being generated',
  storage_unavailable: 'storage is unavailable, try again',
  upstream_timeout: 'the model did not answer in time',
  upstream_interrupted: 'the reply was interrupted',
  upstream_unavailable: 'the model is unavailable, try again later',
  upstream_rejected: 'the model refused the request',
  server_draining: 'the server is restarting, reconnect',
  session_not_found: 'session not found',
  session_ended: 'session has ended',
  forbidden: 'not allowed',
  cancelled: 'cancelled',
  internal: 'internal error',
};

export function wireFailure(
  code: WireErrorCode,
  extra: { retryAfterMs?: number | undefined; partial?: boolean; message?: string } = {},
): WireFailure {
  return {
    code,
    message: extra.message ?? MESSAGES[code],
    retryable: WIRE_ERROR_RETRYABLE[code],
    ...(extra.retryAfterMs === undefined
      ? {}
      : { retryAfterMs: Math.max(0, Math.ceil(extra.retryAfterMs)) }),
    ...(extra.partial === undefined ? {} : { partial: extra.partial }),
  };
}

// Typed as a total record so a new router code cannot be added without its wire code.
const ROUTER_CODES: Readonly<
  Record<Exclude<RouterErrorCode, 'ERR_ROUTER_CONNECTION_GONE'>, WireErrorCode>
> = {
  ERR_ROUTER_INVALID_OPTIONS: 'internal',
  ERR_ROUTER_DRAINING: 'server_draining',
  ERR_ROUTER_SESSION_NOT_FOUND: 'session_not_found',
  ERR_ROUTER_SESSION_NOT_OWNED: 'forbidden',
  ERR_ROUTER_SESSION_ENDED: 'session_ended',
  ERR_ROUTER_STORAGE_UNAVAILABLE: 'storage_unavailable',
  ERR_ROUTER_INPUT_TOO_LONG: 'too_long',
  ERR_ROUTER_RATE_LIMITED: 'rate_limited',
  ERR_ROUTER_TOO_MANY_GENERATIONS: 'too_many_generations',
};

const SESSION_CODES: Partial<Record<SessionErrorCode, WireErrorCode>> = {
  ERR_SESSION_NOT_FOUND: 'session_not_found',
  ERR_SESSION_ENDED: 'session_ended',
  ERR_SESSION_NOT_OWNED: 'forbidden',
  ERR_SESSION_QUEUE_FULL: 'too_many_generations',
  ERR_SESSION_LIMIT_REACHED: 'rate_limited',
};

/** The error frame for a failure of a client request; undefined when there is no one to tell. */
export function requestFailure(error: unknown): WireFailure | undefined {
  if (isRouterError(error)) {
    if (error.code === 'ERR_ROUTER_CONNECTION_GONE') return undefined;
    return wireFailure(ROUTER_CODES[error.code], { retryAfterMs: error.retryAfterMs });
  }
  if (isSessionError(error)) return wireFailure(SESSION_CODES[error.code] ?? 'internal');
  return wireFailure('internal');
}

export type AbortReason = 'cancelled' | 'session_ended' | 'disconnected' | 'shutdown';

/** How a generation ended: the stored status, its errorCode and what the client is told. */
export interface Outcome {
  readonly status: FinalStatus;
  readonly errorCode?: string;
  readonly failure?: WireFailure;
}

const TIMEOUTS: ReadonlySet<LlmErrorCode> = new Set<LlmErrorCode>([
  'ERR_LLM_FIRST_TOKEN_TIMEOUT',
  'ERR_LLM_IDLE_TIMEOUT',
  'ERR_LLM_DEADLINE',
]);
const REJECTED: ReadonlySet<LlmErrorCode> = new Set<LlmErrorCode>([
  'ERR_LLM_AUTH',
  'ERR_LLM_BAD_REQUEST',
  'ERR_LLM_INPUT_TOO_LARGE',
]);

export function abortOutcome(reason: AbortReason, hadText: boolean): Outcome {
  switch (reason) {
    case 'cancelled':
    case 'session_ended':
      return { status: 'cancelled', errorCode: reason };
    case 'disconnected':
      return { status: 'interrupted', errorCode: 'client_disconnected' };
    case 'shutdown':
      return {
        status: 'interrupted',
        errorCode: 'server_shutdown',
        failure: wireFailure('upstream_interrupted', { partial: hadText }),
      };
  }
}

/** R7/R8: a failure after text keeps the partial reply as `interrupted`; before text it is an error. */
export function llmOutcome(error: LlmError, hadText: boolean): Outcome {
  const { code, retryAfterMs } = error;
  if (REJECTED.has(code))
    return { status: 'error', errorCode: code, failure: wireFailure('upstream_rejected') };
  if (hadText) {
    return {
      status: 'interrupted',
      errorCode: code,
      failure: wireFailure('upstream_interrupted', { partial: true }),
    };
  }
  if (TIMEOUTS.has(code))
    return { status: 'error', errorCode: code, failure: wireFailure('upstream_timeout') };
  if (code === 'ERR_LLM_RATE_LIMITED') {
    return {
      status: 'error',
      errorCode: code,
      failure: wireFailure('rate_limited', { retryAfterMs }),
    };
  }
  return {
    status: 'error',
    errorCode: code,
    failure: wireFailure('upstream_unavailable', { retryAfterMs }),
  };
}

export function failureOutcome(error: unknown, hadText: boolean): Outcome {
  if (isLlmError(error)) return llmOutcome(error, hadText);
  return {
    status: hadText ? 'interrupted' : 'error',
    errorCode: 'internal',
    failure: wireFailure('internal', hadText ? { partial: true } : {}),
  };
}

/**
 * Issue 11: what a client following a reply from storage is told when it ends, as a local
 * generation would have told it. Only the stored status and errorCode are known there.
 */
export function storedFailure(
  status: FinalStatus,
  errorCode: string | undefined,
  hadText: boolean,
): WireFailure | undefined {
  switch (status) {
    case 'complete':
    case 'cancelled':
      return undefined;
    case 'interrupted':
      return wireFailure('upstream_interrupted', { partial: hadText });
    case 'error': {
      const code = errorCode as LlmErrorCode | undefined;
      if (code === undefined) return wireFailure('upstream_unavailable');
      if (REJECTED.has(code)) return wireFailure('upstream_rejected');
      if (TIMEOUTS.has(code)) return wireFailure('upstream_timeout');
      if (code === 'ERR_LLM_RATE_LIMITED') return wireFailure('rate_limited');
      return wireFailure(errorCode === 'internal' ? 'internal' : 'upstream_unavailable');
    }
  }
}
