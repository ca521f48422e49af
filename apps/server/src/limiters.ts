import type { RateLimitConfig } from '@chatbox/config';
import {
  createMemoryConcurrencyLimiter,
  createMemoryLimiter,
  createRedisConcurrencyLimiter,
  createRedisLimiter,
} from '@chatbox/ratelimit';
import type { ConcurrencyLimiter, Limiter, RateLimitDecision } from '@chatbox/ratelimit';
import type { GenerationLimiter, MessageRateLimiter } from '@chatbox/router';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LimiterStatus } from './health.js';
import { createRedisClient, redisState } from './redis-client.js';

export const MESSAGE_WINDOW_MS = 60_000;
/** A crashed instance's generation slots free themselves after this long (renewed while held). */
export const GENERATION_LEASE_MS = 30_000;
const CONNECTION_PREFIX = 'chatbox:conn:';

export interface Limiters {
  readonly backend: 'memory' | 'redis';
  /** The one ioredis client (limiters, admin rate limit, admin pub/sub) when the backend is redis. */
  readonly redis: Redis | undefined;
  readonly messages: Limiter;
  readonly generations: ConcurrencyLimiter;
  readonly generationLimit: number;
  /** What the router calls; backend failures fail open (see README, "Rate limits"). */
  readonly messageLimiter: MessageRateLimiter;
  readonly generationLimiter: GenerationLimiter;
  /** Per-user socket cap shared by every instance (Redis only; the gateway counts in memory otherwise). */
  readonly connectionLimiter: GenerationLimiter | undefined;
  status(): LimiterStatus;
  close(): Promise<void>;
}

export interface LimitersOptions {
  readonly config: RateLimitConfig;
  readonly logger: Logger;
  /** Called with the failing operation and the error code whenever a backend call fails open. */
  readonly onBackendError?: (operation: 'consume' | 'acquire', code: string) => void;
  readonly maxConnectionsPerUser: number;
  readonly clock?: () => number;
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

export function createLimiters(options: LimitersOptions): Limiters {
  const { config, logger } = options;
  const limit = config.messagesPerMinute;
  const generationLimit = config.concurrentGenerationsPerUser;
  let redis: Redis | undefined;
  let messages: Limiter;
  let generations: ConcurrencyLimiter;
  let connections: ConcurrencyLimiter | undefined;
  // With Redis these also count per instance, so an outage degrades the global limits to local ones.
  let localMessages: Limiter | undefined;
  let localGenerations: ConcurrencyLimiter | undefined;
  let localConnections: ConcurrencyLimiter | undefined;
  if (config.backend === 'redis' && config.redisUrl !== undefined) {
    redis = createRedisClient(config.redisUrl, logger);
    messages = createRedisLimiter({ redis, limit, windowMs: MESSAGE_WINDOW_MS });
    generations = createRedisConcurrencyLimiter({
      redis,
      limit: generationLimit,
      leaseMs: GENERATION_LEASE_MS,
      logger,
    });
    connections = createRedisConcurrencyLimiter({
      redis,
      limit: options.maxConnectionsPerUser,
      leaseMs: GENERATION_LEASE_MS,
      prefix: CONNECTION_PREFIX,
      logger,
    });
    localMessages = createMemoryLimiter({
      limit,
      windowMs: MESSAGE_WINDOW_MS,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    localGenerations = createMemoryConcurrencyLimiter({ limit: generationLimit });
    localConnections = createMemoryConcurrencyLimiter({ limit: options.maxConnectionsPerUser });
  } else {
    messages = createMemoryLimiter({
      limit,
      windowMs: MESSAGE_WINDOW_MS,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    generations = createMemoryConcurrencyLimiter({ limit: generationLimit });
  }

  const failOpen = (operation: 'consume' | 'acquire', error: unknown): void => {
    const code = codeOf(error);
    logger.warn({ operation, code }, 'rate limiter backend failed; allowing the request');
    options.onBackendError?.(operation, code);
  };

  const messageLimiter: MessageRateLimiter = {
    async consume(key) {
      try {
        const decision: RateLimitDecision = await messages.consume(key);
        return { allowed: decision.allowed, retryAfterMs: decision.retryAfterMs };
      } catch (error) {
        failOpen('consume', error);
        // Counted here only while Redis fails: from a fresh budget, so an outage grants at most one
        // extra burst per instance, never unlimited messages.
        const local = await localMessages?.consume(key).catch(() => undefined);
        return local === undefined
          ? { allowed: true, retryAfterMs: 0 }
          : { allowed: local.allowed, retryAfterMs: local.retryAfterMs };
      }
    },
  };

  const slots = (limiter: ConcurrencyLimiter): GenerationLimiter => ({
    async acquire(key) {
      try {
        const result = await limiter.acquire(key);
        return result.ok ? { ok: true, release: result.release } : { ok: false };
      } catch (error) {
        failOpen('acquire', error);
        return { ok: true, release: () => Promise.resolve() };
      }
    },
  });

  /**
   * A slot here first, then one in Redis. While Redis fails (open), the instance's own cap still
   * holds: a user gets at most the global limit per instance during an outage, never unlimited.
   */
  const layered = (local: ConcurrencyLimiter, shared: ConcurrencyLimiter): GenerationLimiter => {
    const here = slots(local);
    const everywhere = slots(shared);
    return {
      async acquire(key) {
        const mine = await here.acquire(key);
        if (!mine.ok) return { ok: false };
        const global = await everywhere.acquire(key);
        if (!global.ok) {
          await mine.release();
          return { ok: false };
        }
        return {
          ok: true,
          release: async () => {
            await Promise.allSettled([global.release(), mine.release()]);
          },
        };
      },
    };
  };

  let closed: Promise<void> | undefined;
  return {
    backend: redis === undefined ? 'memory' : 'redis',
    redis,
    messages,
    generations,
    generationLimit,
    messageLimiter,
    generationLimiter:
      localGenerations === undefined ? slots(generations) : layered(localGenerations, generations),
    connectionLimiter:
      connections === undefined || localConnections === undefined
        ? undefined
        : layered(localConnections, connections),
    status() {
      if (redis === undefined) return { status: 'up', backend: 'memory' };
      return { status: redisState(redis), backend: 'redis' };
    },
    close() {
      closed ??= (async () => {
        await Promise.allSettled([
          messages.close(),
          generations.close(),
          connections?.close(),
          localMessages?.close(),
          localGenerations?.close(),
          localConnections?.close(),
        ]);
        // QUIT only on a live connection; otherwise stop reconnecting at once.
        if (redis?.status === 'ready') await redis.quit().catch(() => undefined);
        redis?.disconnect();
      })();
      return closed;
    },
  };
}
