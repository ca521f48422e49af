import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { SessionError } from './errors.js';
import type { ResponseTimeHistogramOptions } from './histogram.js';
import type { SessionSnapshot } from './types.js';

// Finding 01: an ended session stays readable this long, then the sweeper evicts it.
export const DEFAULT_RETENTION_MS = 15 * 60_000;
export const DEFAULT_MAX_ENDED_RETAINED = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_MAX_HISTORY_MESSAGES = 100;
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
export const DEFAULT_MAX_QUEUED_PER_SESSION = 64;
export const DEFAULT_MAX_ACTIVE_SESSIONS = 100_000;

/** The two timer functions the sweeper needs; method syntax so Node's own functions fit. */
export interface SweepTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface SessionManagerOptions {
  /** Milliseconds since the epoch; `Date.now` by default. */
  readonly clock?: () => number;
  /** The session id generator; `crypto.randomUUID` by default (finding 02: the one id). */
  readonly idSource?: () => string;
  /** How long an ended session stays readable (>= 0, may be Infinity when a count cap is set). */
  readonly retentionMs?: number;
  /** At most this many ended sessions are held; the oldest ended is evicted first. */
  readonly maxEndedRetained?: number;
  /** An active session with no activity for this long is ended by the sweeper (Infinity: never). */
  readonly idleTimeoutMs?: number;
  /** Recent messages kept per session as model context and for idempotency look-ups. */
  readonly maxHistoryMessages?: number;
  /** Period of the automatic sweeper; 0 disables it (call `sweep()` yourself). */
  readonly sweepIntervalMs?: number;
  /** Operations queued or running per session in `runExclusive` before it refuses more. */
  readonly maxQueuedPerSession?: number;
  /** `create`/`restore` of an active session beyond this many active sessions is refused. */
  readonly maxActiveSessions?: number;
  readonly timers?: SweepTimers;
  readonly logger?: Logger;
  /** Called with the id of each session the sweeper or the ended-count cap evicts. */
  readonly onEvict?: (id: string) => void;
  /** Called with the final snapshot of each session the sweeper ends for idleness. */
  readonly onIdleEnd?: (snapshot: SessionSnapshot) => void;
  readonly responseTimes?: ResponseTimeHistogramOptions;
}

export interface NormalizedOptions {
  readonly clock: () => number;
  readonly idSource: () => string;
  readonly retentionMs: number;
  readonly maxEndedRetained: number;
  readonly idleTimeoutMs: number;
  readonly maxHistoryMessages: number;
  readonly sweepIntervalMs: number;
  readonly maxQueuedPerSession: number;
  readonly maxActiveSessions: number;
  readonly timers: SweepTimers;
  readonly logger: Logger;
  readonly onEvict: ((id: string) => void) | undefined;
  readonly onIdleEnd: ((snapshot: SessionSnapshot) => void) | undefined;
  readonly responseTimes: ResponseTimeHistogramOptions;
}

/** Finding 01: the sweeper never keeps the process alive. */
export function startUnrefInterval(timers: SweepTimers, ms: number, tick: () => void): unknown {
  const handle = timers.setInterval(tick, ms);
  if (typeof handle === 'object' && handle !== null && 'unref' in handle) {
    const { unref } = handle;
    if (typeof unref === 'function') unref.call(handle);
  }
  return handle;
}

function invalid(message: string): SessionError {
  return new SessionError('ERR_SESSION_INVALID_OPTIONS', message);
}

function duration(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (typeof result !== 'number' || Number.isNaN(result) || result < 0) {
    throw invalid(`${name} must be a number >= 0`);
  }
  return result;
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result < min) {
    throw invalid(`${name} must be an integer >= ${min}`);
  }
  return result;
}

function fn<T>(name: string, value: T | undefined, fallback: T): T {
  const result = value ?? fallback;
  if (typeof result !== 'function') throw invalid(`${name} must be a function`);
  return result;
}

export function normalizeOptions(options: SessionManagerOptions = {}): NormalizedOptions {
  const sweepIntervalMs = duration(
    'sweepIntervalMs',
    options.sweepIntervalMs,
    DEFAULT_SWEEP_INTERVAL_MS,
  );
  if (!Number.isFinite(sweepIntervalMs)) throw invalid('sweepIntervalMs must be finite');
  const timers = options.timers ?? { setInterval, clearInterval };
  if (typeof timers.setInterval !== 'function' || typeof timers.clearInterval !== 'function') {
    throw invalid('timers must provide setInterval and clearInterval');
  }
  if (options.onEvict !== undefined && typeof options.onEvict !== 'function')
    throw invalid('onEvict must be a function');
  if (options.onIdleEnd !== undefined && typeof options.onIdleEnd !== 'function') {
    throw invalid('onIdleEnd must be a function');
  }
  return {
    clock: fn('clock', options.clock, Date.now),
    idSource: fn('idSource', options.idSource, randomUUID),
    retentionMs: duration('retentionMs', options.retentionMs, DEFAULT_RETENTION_MS),
    maxEndedRetained: count(
      'maxEndedRetained',
      options.maxEndedRetained,
      DEFAULT_MAX_ENDED_RETAINED,
      0,
    ),
    idleTimeoutMs: duration('idleTimeoutMs', options.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS),
    maxHistoryMessages: count(
      'maxHistoryMessages',
      options.maxHistoryMessages,
      DEFAULT_MAX_HISTORY_MESSAGES,
      1,
    ),
    sweepIntervalMs,
    maxQueuedPerSession: count(
      'maxQueuedPerSession',
      options.maxQueuedPerSession,
      DEFAULT_MAX_QUEUED_PER_SESSION,
      1,
    ),
    maxActiveSessions: count(
      'maxActiveSessions',
      options.maxActiveSessions,
      DEFAULT_MAX_ACTIVE_SESSIONS,
      1,
    ),
    timers,
    logger: options.logger ?? pino({ level: 'silent' }),
    onEvict: options.onEvict,
    onIdleEnd: options.onIdleEnd,
    responseTimes: options.responseTimes ?? {},
  };
}
