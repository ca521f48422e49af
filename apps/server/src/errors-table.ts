import type { ConfigErrorCode } from '@chatbox/config';
import type { LlmErrorCode } from '@chatbox/llm';
import type { MessageErrorCode, WireErrorCode } from '@chatbox/message';
import type { RateLimitErrorCode, RateLimitTypeErrorCode } from '@chatbox/ratelimit';
import type { RouterErrorCode } from '@chatbox/router';
import type { SessionErrorCode } from '@chatbox/session';
import type { StorageErrorCode } from '@chatbox/storage';
import type { WebSocketErrorCode } from '@chatbox/websocket';
import type { ServerErrorCode } from './errors.js';

/** Every error code any chatbox package can raise. */
export type ChatboxErrorCode =
  | ConfigErrorCode
  | MessageErrorCode
  | SessionErrorCode
  | StorageErrorCode
  | RateLimitErrorCode
  | RateLimitTypeErrorCode
  | LlmErrorCode
  | RouterErrorCode
  | WebSocketErrorCode
  | ServerErrorCode;

export interface ErrorMapping {
  /** HTTP status when the error answers an HTTP request. */
  readonly http: number;
  /** Code of the `error` frame when it answers a WebSocket frame. */
  readonly wire: WireErrorCode;
  /** Close code when the error ends the connection. */
  readonly close?: number;
}

const GOING_AWAY = 1001;
const POLICY = 1008;
const TRY_AGAIN_LATER = 1013;
const SERVICE_RESTART = 1012;
const TOKEN_EXPIRED = 4001;

// A total record: a code added to any package's union without a row here does not compile.
export const ERROR_TABLE: Readonly<Record<ChatboxErrorCode, ErrorMapping>> = Object.freeze({
  ERR_CONFIG_INVALID: { http: 500, wire: 'internal' },

  ERR_MESSAGE_INVALID_LIMITS: { http: 500, wire: 'internal' },
  ERR_MESSAGE_INVALID_FRAME: { http: 500, wire: 'internal' },

  ERR_SESSION_NOT_FOUND: { http: 404, wire: 'session_not_found' },
  ERR_SESSION_ENDED: { http: 409, wire: 'session_ended' },
  ERR_SESSION_NOT_OWNED: { http: 403, wire: 'forbidden' },
  ERR_SESSION_DUPLICATE_ID: { http: 500, wire: 'internal' },
  ERR_SESSION_DUPLICATE_MESSAGE: { http: 409, wire: 'bad_frame' },
  ERR_SESSION_MESSAGE_NOT_FOUND: { http: 500, wire: 'internal' },
  ERR_SESSION_MESSAGE_FINAL: { http: 409, wire: 'internal' },
  ERR_SESSION_QUEUE_FULL: { http: 429, wire: 'too_many_generations' },
  ERR_SESSION_LIMIT_REACHED: { http: 503, wire: 'rate_limited' },
  ERR_SESSION_HISTOGRAM_MISMATCH: { http: 500, wire: 'internal' },
  ERR_SESSION_INVALID_ARGUMENT: { http: 400, wire: 'bad_frame' },
  ERR_SESSION_INVALID_OPTIONS: { http: 500, wire: 'internal' },

  ERR_STORAGE_UNAVAILABLE: { http: 503, wire: 'storage_unavailable' },
  ERR_STORAGE_CLOSED: { http: 503, wire: 'server_draining', close: SERVICE_RESTART },
  ERR_STORAGE_ABORTED: { http: 503, wire: 'storage_unavailable' },
  ERR_STORAGE_INVALID_ID: { http: 400, wire: 'bad_frame' },
  ERR_STORAGE_INVALID_ARGUMENT: { http: 400, wire: 'bad_frame' },
  ERR_STORAGE_INVALID_OPTIONS: { http: 500, wire: 'internal' },
  ERR_STORAGE_CONFLICT: { http: 409, wire: 'internal' },
  ERR_STORAGE_NOT_FOUND: { http: 404, wire: 'session_not_found' },
  ERR_STORAGE_CORRUPT_DOCUMENT: { http: 500, wire: 'internal' },
  ERR_STORAGE_WRITER_FINISHED: { http: 500, wire: 'internal' },
  ERR_STORAGE_FAILED: { http: 500, wire: 'internal' },

  ERR_RATELIMIT_BACKEND_UNAVAILABLE: { http: 503, wire: 'storage_unavailable' },
  ERR_RATELIMIT_BACKEND_TIMEOUT: { http: 503, wire: 'storage_unavailable' },
  ERR_RATELIMIT_CLOSED: { http: 503, wire: 'server_draining', close: SERVICE_RESTART },
  ERR_RATELIMIT_INVALID_OPTIONS: { http: 500, wire: 'internal' },
  ERR_RATELIMIT_INVALID_ARGUMENT: { http: 400, wire: 'bad_frame' },

  ERR_LLM_FIRST_TOKEN_TIMEOUT: { http: 504, wire: 'upstream_timeout' },
  ERR_LLM_IDLE_TIMEOUT: { http: 504, wire: 'upstream_timeout' },
  ERR_LLM_DEADLINE: { http: 504, wire: 'upstream_timeout' },
  ERR_LLM_RATE_LIMITED: { http: 429, wire: 'rate_limited' },
  ERR_LLM_OVERLOADED: { http: 503, wire: 'upstream_unavailable' },
  ERR_LLM_INTERRUPTED: { http: 502, wire: 'upstream_interrupted' },
  ERR_LLM_AUTH: { http: 502, wire: 'upstream_rejected' },
  ERR_LLM_BAD_REQUEST: { http: 502, wire: 'upstream_rejected' },
  ERR_LLM_CANCELLED: { http: 409, wire: 'cancelled' },
  ERR_LLM_INPUT_TOO_LARGE: { http: 413, wire: 'too_long' },
  ERR_LLM_UNAVAILABLE: { http: 503, wire: 'upstream_unavailable' },

  ERR_ROUTER_INVALID_OPTIONS: { http: 500, wire: 'internal' },
  ERR_ROUTER_DRAINING: { http: 503, wire: 'server_draining', close: SERVICE_RESTART },
  ERR_ROUTER_SESSION_NOT_FOUND: { http: 404, wire: 'session_not_found' },
  ERR_ROUTER_SESSION_NOT_OWNED: { http: 403, wire: 'forbidden' },
  ERR_ROUTER_SESSION_ENDED: { http: 409, wire: 'session_ended' },
  ERR_ROUTER_STORAGE_UNAVAILABLE: { http: 503, wire: 'storage_unavailable' },
  ERR_ROUTER_INPUT_TOO_LONG: { http: 413, wire: 'too_long' },
  ERR_ROUTER_RATE_LIMITED: { http: 429, wire: 'rate_limited' },
  ERR_ROUTER_TOO_MANY_GENERATIONS: { http: 429, wire: 'too_many_generations' },
  ERR_ROUTER_CONNECTION_GONE: { http: 410, wire: 'internal', close: TRY_AGAIN_LATER },

  ERR_WEBSOCKET_UNAUTHORIZED: { http: 401, wire: 'forbidden', close: TOKEN_EXPIRED },
  ERR_WEBSOCKET_AUTH_UNAVAILABLE: {
    http: 503,
    wire: 'upstream_unavailable',
    close: TRY_AGAIN_LATER,
  },
  ERR_WEBSOCKET_FORBIDDEN_ORIGIN: { http: 403, wire: 'forbidden', close: POLICY },
  ERR_WEBSOCKET_ORIGINS_REQUIRED: { http: 500, wire: 'internal' },
  ERR_WEBSOCKET_TOO_MANY_CONNECTIONS: { http: 429, wire: 'rate_limited', close: TRY_AGAIN_LATER },
  ERR_WEBSOCKET_DRAINING: { http: 503, wire: 'server_draining', close: GOING_AWAY },
  ERR_WEBSOCKET_WEAK_SECRET: { http: 500, wire: 'internal' },
  ERR_WEBSOCKET_INVALID_OPTIONS: { http: 500, wire: 'internal' },

  ERR_SERVER_UNAUTHORIZED: { http: 401, wire: 'forbidden', close: TOKEN_EXPIRED },
  ERR_SERVER_FORBIDDEN: { http: 403, wire: 'forbidden', close: POLICY },
  ERR_SERVER_RATE_LIMITED: { http: 429, wire: 'rate_limited' },
  ERR_SERVER_NOT_FOUND: { http: 404, wire: 'session_not_found' },
  ERR_SERVER_INVALID_REQUEST: { http: 400, wire: 'bad_frame' },
  ERR_SERVER_BODY_TOO_LARGE: { http: 413, wire: 'too_long' },
  ERR_SERVER_UNAVAILABLE: { http: 503, wire: 'server_draining', close: GOING_AWAY },
  ERR_SERVER_INTERNAL: { http: 500, wire: 'internal' },
} satisfies Record<ChatboxErrorCode, ErrorMapping>);

const KNOWN: ReadonlySet<string> = new Set(Object.keys(ERROR_TABLE));

export function isChatboxErrorCode(value: unknown): value is ChatboxErrorCode {
  return typeof value === 'string' && KNOWN.has(value);
}

/** The mapping of an error carrying a chatbox `code`; undefined for anything else. */
export function mappingOf(
  error: unknown,
): { code: ChatboxErrorCode; mapping: ErrorMapping } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return isChatboxErrorCode(code) ? { code, mapping: ERROR_TABLE[code] } : undefined;
}
