import type { Logger } from 'pino';
import { pino } from 'pino';
import { rateLimitTypeError } from './errors.js';
import type { LimiterTimers } from './types.js';

/** Longest accepted key: keeps bytes per key bounded whatever callers build keys from. */
export const MAX_KEY_LENGTH = 512;
/** Longest accepted Redis key prefix. */
export const MAX_PREFIX_LENGTH = 128;
/** setTimeout's ceiling (about 24.8 days): longer windows or leases could not be timed. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

function invalid(message: string): TypeError {
  return rateLimitTypeError('ERR_RATELIMIT_INVALID_OPTIONS', message);
}

export function requireObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw invalid(`${name} must be an object`);
  return value as Record<string, unknown>;
}

export function integerOption(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer between ${min} and ${max}, got ${String(value)}`);
  }
  return value;
}

export function optionalInteger(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  return value === undefined ? fallback : integerOption(value, name, min, max);
}

/** GCRA needs at least 1 µs between units: `limit <= windowMs * 1000`. */
export function rateOptions(options: Record<string, unknown>): { limit: number; windowMs: number } {
  const windowMs = integerOption(options.windowMs, 'windowMs', 1, MAX_DURATION_MS);
  const limit = integerOption(options.limit, 'limit', 1, Math.min(windowMs * 1000, 1_000_000_000));
  return { limit, windowMs };
}

export function functionOption<T>(value: unknown, name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw invalid(`${name} must be a function`);
  return value as T;
}

export function timersOption(value: unknown, fallback: LimiterTimers): LimiterTimers {
  if (value === undefined) return fallback;
  const timers = requireObject(value, 'timers');
  for (const name of ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] as const) {
    if (typeof timers[name] !== 'function') throw invalid(`timers.${name} must be a function`);
  }
  return value as LimiterTimers;
}

export function loggerOption(value: unknown): Logger {
  if (value === undefined) return pino({ level: 'silent' });
  const logger = requireObject(value, 'logger');
  for (const name of ['debug', 'warn', 'child'] as const) {
    if (typeof logger[name] !== 'function')
      throw invalid(`logger.${name} must be a function (a pino Logger)`);
  }
  return value as Logger;
}

export function prefixOption(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length > MAX_PREFIX_LENGTH) {
    throw invalid(`prefix must be a string of at most ${MAX_PREFIX_LENGTH} characters`);
  }
  return value;
}

export function enumOption<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw rateLimitTypeError(
      'ERR_RATELIMIT_INVALID_ARGUMENT',
      `key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`,
    );
  }
}

/** A cost above `limit` could never be allowed, so it is a caller bug, not a denial. */
export function assertCost(cost: unknown, limit: number): asserts cost is number {
  if (typeof cost !== 'number' || !Number.isSafeInteger(cost) || cost < 1 || cost > limit) {
    throw rateLimitTypeError(
      'ERR_RATELIMIT_INVALID_ARGUMENT',
      `cost must be an integer between 1 and limit (${limit}), got ${String(cost)}`,
    );
  }
}
