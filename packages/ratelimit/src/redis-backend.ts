import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimitError } from './errors.js';
import { rateLimitTypeError } from './errors.js';
import { requireObject } from './options.js';
import { unrefHandle } from './timers.js';
import type { LimiterTimers } from './types.js';

/** Bound on one Redis round trip: a stalled Redis must not stall a chat message. */
export const DEFAULT_REDIS_TIMEOUT_MS = 1_000;

export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/**
 * Server time in integer µs, shared by every script: instances' clocks may disagree, Redis's
 * own clock is the one reference. Redis < 5 needs effects replication for TIME before a write.
 */
export const LUA_NOW_US = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
`;

export function defineScript(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

export function requireRedis(value: unknown): Redis {
  const redis = requireObject(value, 'redis');
  for (const name of ['evalsha', 'eval', 'scan', 'zrem'] as const) {
    if (typeof redis[name] !== 'function') {
      throw rateLimitTypeError('ERR_RATELIMIT_INVALID_OPTIONS', 'redis must be an ioredis client');
    }
  }
  return value as Redis;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

export interface RedisBackend {
  readonly redis: Redis;
  /** EVALSHA, falling back to EVAL when the server's script cache lacks it (restart, SCRIPT FLUSH). */
  runScript(
    script: LuaScript,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<number[]>;
  /** Any other command, with the same timeout and error mapping. */
  command<T>(label: string, run: () => Promise<T>): Promise<T>;
}

export function createRedisBackend(
  redis: Redis,
  timeoutMs: number,
  timers: LimiterTimers,
): RedisBackend {
  function command<T>(label: string, run: () => Promise<T>): Promise<T> {
    let handle: unknown;
    const timeout = new Promise<never>((_, reject) => {
      handle = unrefHandle(
        timers.setTimeout(() => {
          reject(
            new RateLimitError(
              'ERR_RATELIMIT_BACKEND_TIMEOUT',
              `redis ${label} timed out after ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs),
      );
    });
    const attempt = (async () => {
      try {
        return await run();
      } catch (error) {
        throw new RateLimitError('ERR_RATELIMIT_BACKEND_UNAVAILABLE', `redis ${label} failed`, {
          cause: error,
        });
      }
    })();
    // A late failure after the timeout won must not surface as an unhandled rejection.
    attempt.catch(() => undefined);
    return Promise.race([attempt, timeout]).finally(() => timers.clearTimeout(handle));
  }

  async function evalScript(
    script: LuaScript,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return await redis.eval(script.source, keys.length, ...keys, ...args);
    }
  }

  async function runScript(
    script: LuaScript,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<number[]> {
    const reply = await command(script.name, () => evalScript(script, keys, args));
    if (!Array.isArray(reply) || !reply.every((item): item is number => typeof item === 'number')) {
      throw new RateLimitError(
        'ERR_RATELIMIT_BACKEND_UNAVAILABLE',
        `redis ${script.name} returned an unexpected reply`,
      );
    }
    return reply;
  }

  return { redis, runScript, command };
}

/** SCAN MATCH does not apply the client's keyPrefix, and glob characters in a prefix must not match. */
export function scanPattern(redis: Redis, prefix: string): string {
  const full = `${redis.options.keyPrefix ?? ''}${prefix}`;
  return `${full.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
}

export async function countKeys(backend: RedisBackend, prefix: string): Promise<number> {
  const pattern = scanPattern(backend.redis, prefix);
  // SCAN may return a key twice while the keyspace is rehashed.
  const seen = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await backend.command('scan', () =>
      backend.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000),
    );
    cursor = next;
    for (const key of keys) seen.add(key);
  } while (cursor !== '0');
  return seen.size;
}
