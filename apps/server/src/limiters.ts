import type { RateLimitConfig } from '@chatbox/config';
import {
  createMemoryConcurrencyLimiter,
  createMemoryLimiter,
  createRedisConcurrencyLimiter,
  createRedisLimiter,
} from '@chatbox/ratelimit';
import type { ConcurrencyLimiter, Limiter, RateLimitDecision } from '@chatbox/ratelimit';
import type { GenerationLimiter, MessageRateLimiter } from '@chatbox/router';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LimiterStatus } from './health.js';

export const MESSAGE_WINDOW_MS = 60_000;
/** A crashed instance's generation slots free themselves after this long (renewed while held). */
export const GENERATION_LEASE_MS = 30_000;
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;
const REDIS_RETRIES_PER_REQUEST = 1;
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

export function createRedisClient(url: string, logger: Logger): Redis {
  const client = new Redis(url, {
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: REDIS_RETRIES_PER_REQUEST,
    lazyConnect: false,
  });
  let lastError: string | undefined;
  client.on('error', (error: unknown) => {
    const code = codeOf(error);
    // ioredis reports every reconnect attempt; one line per distinct failure is enough.
    if (code !== lastError) logger.warn({ code }, 'redis connection error');
    lastError = code;
  });
  client.on('ready', () => {
    lastError = undefined;
    logger.info('redis connected');
  });
  return client;
}

export function createLimiters(options: LimitersOptions): Limiters {
  const { config, logger } = options;
  const limit = config.messagesPerMinute;
  const generationLimit = config.concurrentGenerationsPerUser;
  let redis: Redis | undefined;
  let messages: Limiter;
  let generations: ConcurrencyLimiter;
  let connections: ConcurrencyLimiter | undefined;
  if (config.backend === 'redis' && config.redisUrl !== undefined) {
    redis = createRedisClient(config.redisUrl, logger);
    messages = createRedisLimiter({ redis, limit, windowMs: MESSAGE_WINDOW_MS });
    generations = createRedisConcurrencyLimiter({ redis, limit: generationLimit, leaseMs: GENERATION_LEASE_MS, logger });
    connections = createRedisConcurrencyLimiter({
      redis,
      limit: options.maxConnectionsPerUser,
      leaseMs: GENERATION_LEASE_MS,
      prefix: CONNECTION_PREFIX,
      logger,
    });
  } else {
    messages = createMemoryLimiter({ limit, windowMs: MESSAGE_WINDOW_MS, logger, ...(options.clock ? { clock: options.clock } : {}) });
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
        return { allowed: true, retryAfterMs: 0 };
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

  let closed: Promise<void> | undefined;
  return {
    backend: redis === undefined ? 'memory' : 'redis',
    redis,
    messages,
    generations,
    generationLimit,
    messageLimiter,
    generationLimiter: slots(generations),
    connectionLimiter: connections === undefined ? undefined : slots(connections),
    status() {
      if (redis === undefined) return { status: 'up', backend: 'memory' };
      const state = redis.status;
      return { status: state === 'ready' ? 'up' : state === 'connecting' || state === 'wait' ? 'connecting' : 'down', backend: 'redis' };
    },
    close() {
      closed ??= (async () => {
        await Promise.allSettled([messages.close(), generations.close(), connections?.close()]);
        if (redis !== undefined) await redis.quit().catch(() => redis?.disconnect());
      })();
      return closed;
    },
  };
}
