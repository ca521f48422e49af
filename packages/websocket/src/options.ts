import { parseInbound, type InboundLimits, type ParseResult } from '@chatbox/message';
import { pino, type Logger } from 'pino';
import { createMemoryConnectionLimiter, type ConnectionLimiter } from './connection-slots.js';
import { WebSocketError } from './errors.js';
import type { EventSink, GatewayEvent } from './events.js';
import type { GatewayEnv } from './origin.js';
import type { MessageRouter } from './router-types.js';
import { systemTimers, type GatewayTimers } from './timers.js';
import type { TokenVerifier } from './token-verifier.js';

/** The default frame cap (ws would accept 100 MiB). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
export const DEFAULT_FRAMES_PER_MINUTE_PER_CONNECTION = 120;
/** After we start a close, a peer that does not answer is terminated this much later. */
export const DEFAULT_CLOSE_GRACE_MS = 2_000;

export type ParseFunction = (text: string, limits?: InboundLimits) => ParseResult;

export interface GatewayOptions {
  router: MessageRouter;
  verifier: TokenVerifier;
  env: GatewayEnv;
  path: string;
  allowedOrigins: readonly string[];
  allowMissingOrigin: boolean;
  maxPayloadBytes: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  sendBufferLimitBytes: number;
  maxConnectionsPerUser: number;
  invalidFramesPerMinute: number;
  framesPerMinutePerConnection?: number;
  parseLimits?: { maxChars?: number; maxBytes?: number };
  /** Global caps with several instances; default in-memory per gateway. */
  connectionLimiter?: ConnectionLimiter;
  /** Defaults to @chatbox/message's parseInbound (parse, validate, sanitise). */
  parse?: ParseFunction;
  closeGraceMs?: number;
  logger?: Logger;
  clock?: () => number;
  timers?: GatewayTimers;
  onEvent?: EventSink;
}

export interface ResolvedOptions {
  readonly router: MessageRouter;
  readonly verifier: TokenVerifier;
  readonly env: GatewayEnv;
  readonly path: string;
  readonly allowMissingOrigin: boolean;
  readonly maxPayloadBytes: number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly sendBufferLimitBytes: number;
  readonly invalidFramesPerMinute: number;
  readonly framesPerMinute: number;
  readonly parseLimits: InboundLimits | undefined;
  readonly connectionLimiter: ConnectionLimiter;
  readonly parse: ParseFunction;
  readonly closeGraceMs: number;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly timers: GatewayTimers;
  readonly emit: EventSink;
}

function positive(name: string, value: number | undefined): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new WebSocketError('ERR_WEBSOCKET_INVALID_OPTIONS', `${name} must be a positive integer`);
  }
  return value;
}

function safeSink(onEvent: EventSink | undefined, logger: Logger): EventSink {
  if (onEvent === undefined) return () => undefined;
  return (event: GatewayEvent) => {
    try {
      onEvent(event);
    } catch (error) {
      // A failing metrics sink must not break a connection.
      logger.warn({ err: error, event: event.type }, 'websocket event sink threw');
    }
  };
}

export function resolveOptions(options: GatewayOptions): ResolvedOptions {
  if (options.env !== 'production' && options.env !== 'development') {
    throw new WebSocketError(
      'ERR_WEBSOCKET_INVALID_OPTIONS',
      "env must be 'production' or 'development'",
    );
  }
  if (typeof options.path !== 'string' || !options.path.startsWith('/')) {
    throw new WebSocketError('ERR_WEBSOCKET_INVALID_OPTIONS', "path must start with '/'");
  }
  if (options.router === undefined || options.verifier === undefined) {
    throw new WebSocketError('ERR_WEBSOCKET_INVALID_OPTIONS', 'router and verifier are required');
  }
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'websocket' });
  const maxConnectionsPerUser = positive('maxConnectionsPerUser', options.maxConnectionsPerUser);
  return Object.freeze({
    router: options.router,
    verifier: options.verifier,
    env: options.env,
    path: options.path,
    allowMissingOrigin: options.allowMissingOrigin === true,
    maxPayloadBytes: positive('maxPayloadBytes', options.maxPayloadBytes),
    pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs),
    pongTimeoutMs: positive('pongTimeoutMs', options.pongTimeoutMs),
    sendBufferLimitBytes: positive('sendBufferLimitBytes', options.sendBufferLimitBytes),
    invalidFramesPerMinute: positive('invalidFramesPerMinute', options.invalidFramesPerMinute),
    framesPerMinute: positive(
      'framesPerMinutePerConnection',
      options.framesPerMinutePerConnection ?? DEFAULT_FRAMES_PER_MINUTE_PER_CONNECTION,
    ),
    parseLimits: options.parseLimits,
    connectionLimiter:
      options.connectionLimiter ?? createMemoryConnectionLimiter(maxConnectionsPerUser),
    parse: options.parse ?? parseInbound,
    closeGraceMs: positive('closeGraceMs', options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS),
    logger,
    clock: options.clock ?? Date.now,
    timers: options.timers ?? systemTimers,
    emit: safeSink(options.onEvent, logger),
  });
}
