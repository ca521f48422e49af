import { randomUUID } from 'node:crypto';
import { DEFAULT_MAX_INPUT_CHARS } from '@chatbox/llm';
import type { LlmProvider } from '@chatbox/llm';
import type { SessionManager } from '@chatbox/session';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { RouterError } from './errors.js';
import type {
  ClientControl,
  GenerationLimiter,
  MessageRateLimiter,
  MessageRouterOptions,
  OpenStreamWriter,
  RouterEvent,
  RouterStore,
  RouterTimers,
  SessionBinding,
} from './types.js';

/** The model context budget, the provider's own default input cap, so a full context is accepted. */
export const DEFAULT_MAX_CONTEXT_CHARS = DEFAULT_MAX_INPUT_CHARS;
export const DEFAULT_MAX_REPLAY_MESSAGES = 1_000;
export const DEFAULT_RESTORE_MESSAGES = 100;
/** Issue 11: the stream writer refreshes the heartbeat on each flush; this covers silent streams. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
/** Six missed heartbeats: a slow storage write is not mistaken for a dead instance. */
export const DEFAULT_STALE_STREAMING_AFTER_MS = 30_000;
/** Storage's default stream flush interval: storage trails a live stream by at most one flush. */
export const DEFAULT_FOLLOW_INTERVAL_MS = 500;
/** Used when the provider reports no deadlines; otherwise its total deadline + the stale time. */
export const DEFAULT_FOLLOW_TIMEOUT_MS = 180_000;
/**
 * Issue 10: one delta frame per token was most of the streaming CPU. 25 ms joins about two
 * tokens a frame at 50 tokens/s (and more when the model is faster) while staying well under
 * what a reader notices; the first chunk of a reply is never held back.
 */
export const DEFAULT_COALESCE_MS = 25;
/** Held-back text is sent once it is this long, whatever the time: bounds frame size and memory. */
export const DEFAULT_COALESCE_MAX_CHARS = 4_096;
/** A stream is stale only after it missed at least this many heartbeats. */
const MIN_MISSED_HEARTBEATS = 2;
/** Room for the separator model-context.ts counts per message. */
const CONTEXT_SEPARATOR_CHARS = 2;

export interface NormalizedOptions {
  readonly sessions: SessionManager;
  readonly store: RouterStore;
  readonly llm: LlmProvider;
  readonly openStreamWriter: OpenStreamWriter;
  readonly messageLimiter: MessageRateLimiter | undefined;
  readonly generationLimiter: GenerationLimiter | undefined;
  readonly maxInputChars: number;
  readonly maxTokens: number;
  readonly system: string | undefined;
  readonly maxContextChars: number;
  readonly maxReplayMessages: number;
  readonly restoreMessages: number;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly timers: RouterTimers;
  readonly newId: () => string;
  readonly onEvent: ((event: RouterEvent) => void) | undefined;
  readonly onSessionBound: ((sessionId: string, binding: SessionBinding) => void) | undefined;
  readonly onClientControl: ((control: ClientControl) => void) | undefined;
  readonly heartbeatIntervalMs: number;
  readonly staleStreamingAfterMs: number;
  readonly followIntervalMs: number;
  readonly followTimeoutMs: number;
  readonly coalesceMs: number;
  readonly coalesceMaxChars: number;
}

interface InstanceOptions {
  readonly heartbeatIntervalMs: number;
  readonly staleStreamingAfterMs: number;
  readonly followIntervalMs: number;
  readonly followTimeoutMs: number;
}

/** Issue 11: heartbeat, stale time and following; the stale time must span several heartbeats. */
function instanceOptions(options: MessageRouterOptions): InstanceOptions {
  const heartbeatIntervalMs = positiveInteger(
    'heartbeatIntervalMs',
    options.heartbeatIntervalMs,
    DEFAULT_HEARTBEAT_INTERVAL_MS,
  );
  const staleStreamingAfterMs = positiveInteger(
    'staleStreamingAfterMs',
    options.staleStreamingAfterMs,
    Math.max(DEFAULT_STALE_STREAMING_AFTER_MS, MIN_MISSED_HEARTBEATS * heartbeatIntervalMs),
  );
  if (staleStreamingAfterMs < MIN_MISSED_HEARTBEATS * heartbeatIntervalMs)
    throw invalid('staleStreamingAfterMs must be at least twice heartbeatIntervalMs');
  // The followed reply ends within the provider's total deadline, or its instance died and the
  // sweeper marks it after the stale time.
  const totalMs = (options.llm as { deadlines?: { totalMs?: unknown } }).deadlines?.totalMs;
  const followTimeoutFallback =
    typeof totalMs === 'number' ? totalMs + staleStreamingAfterMs : DEFAULT_FOLLOW_TIMEOUT_MS;
  return {
    heartbeatIntervalMs,
    staleStreamingAfterMs,
    followIntervalMs: positiveInteger(
      'followIntervalMs',
      options.followIntervalMs,
      DEFAULT_FOLLOW_INTERVAL_MS,
    ),
    followTimeoutMs: positiveInteger(
      'followTimeoutMs',
      options.followTimeoutMs,
      Math.ceil(followTimeoutFallback),
    ),
  };
}

const systemTimers: RouterTimers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

function invalid(message: string): RouterError {
  return new RouterError('ERR_ROUTER_INVALID_OPTIONS', message);
}

function positiveInteger(name: string, value: unknown, fallback?: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isSafeInteger(resolved) || resolved <= 0) {
    throw invalid(`${name} must be a positive integer`);
  }
  return resolved;
}

function requireMethods(name: string, value: unknown, methods: readonly string[]): void {
  const target = value as Record<string, unknown> | null | undefined;
  if (
    typeof target !== 'object' ||
    target === null ||
    methods.some((m) => typeof target[m] !== 'function')
  ) {
    throw invalid(`${name} must provide ${methods.join(', ')}`);
  }
}

function nonNegativeInteger(name: string, value: unknown, fallback: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isSafeInteger(resolved) || resolved < 0) {
    throw invalid(`${name} must be a non-negative integer`);
  }
  return resolved;
}

function optionalFunction<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw invalid(`${name} must be a function`);
  return value;
}

export function normalizeOptions(options: MessageRouterOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  requireMethods('sessions', options.sessions, [
    'create',
    'restore',
    'remove',
    'runExclusive',
    'history',
  ]);
  requireMethods('store', options.store, [
    'createSession',
    'saveSession',
    'endSession',
    'getSession',
    'appendMessage',
    'getMessages',
    'updateMessage',
  ]);
  const markStale = (options.store as { markStaleStreaming?: unknown }).markStaleStreaming;
  if (markStale !== undefined && typeof markStale !== 'function')
    throw invalid('store.markStaleStreaming must be a function');
  const appendBatch = (options.store as { appendMessages?: unknown }).appendMessages;
  if (appendBatch !== undefined && typeof appendBatch !== 'function')
    throw invalid('store.appendMessages must be a function');
  requireMethods('llm', options.llm, ['stream']);
  if (typeof options.openStreamWriter !== 'function')
    throw invalid('openStreamWriter must be a function');
  if (options.messageLimiter !== undefined)
    requireMethods('messageLimiter', options.messageLimiter, ['consume']);
  if (options.generationLimiter !== undefined)
    requireMethods('generationLimiter', options.generationLimiter, ['acquire']);
  if (options.system !== undefined && typeof options.system !== 'string')
    throw invalid('system must be a string');
  const maxInputChars = positiveInteger('maxInputChars', options.maxInputChars);
  const maxContextChars = positiveInteger(
    'maxContextChars',
    options.maxContextChars,
    DEFAULT_MAX_CONTEXT_CHARS,
  );
  // The newest user message always fits, so the model never gets an empty context.
  if (maxContextChars < maxInputChars + CONTEXT_SEPARATOR_CHARS + (options.system?.length ?? 0)) {
    throw invalid('maxContextChars must hold maxInputChars plus the system prompt');
  }
  return {
    sessions: options.sessions,
    store: options.store,
    llm: options.llm,
    openStreamWriter: options.openStreamWriter,
    messageLimiter: options.messageLimiter,
    generationLimiter: options.generationLimiter,
    maxInputChars,
    maxTokens: positiveInteger('maxTokens', options.maxTokens),
    system: options.system === '' ? undefined : options.system,
    maxContextChars,
    maxReplayMessages: positiveInteger(
      'maxReplayMessages',
      options.maxReplayMessages,
      DEFAULT_MAX_REPLAY_MESSAGES,
    ),
    restoreMessages: positiveInteger(
      'restoreMessages',
      options.restoreMessages,
      DEFAULT_RESTORE_MESSAGES,
    ),
    logger: (options.logger ?? pino({ level: 'silent' })).child({ component: 'router' }),
    clock: optionalFunction('clock', options.clock) ?? Date.now,
    timers: options.timers ?? systemTimers,
    newId: optionalFunction('newId', options.newId) ?? randomUUID,
    onEvent: optionalFunction('onEvent', options.onEvent),
    onSessionBound: optionalFunction('onSessionBound', options.onSessionBound),
    onClientControl: optionalFunction('onClientControl', options.onClientControl),
    coalesceMs: nonNegativeInteger('coalesceMs', options.coalesceMs, DEFAULT_COALESCE_MS),
    coalesceMaxChars: positiveInteger(
      'coalesceMaxChars',
      options.coalesceMaxChars,
      DEFAULT_COALESCE_MAX_CHARS,
    ),
    ...instanceOptions(options),
  };
}
