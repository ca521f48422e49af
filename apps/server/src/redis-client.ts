import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export const REDIS_CONNECT_TIMEOUT_MS = 2_000;
export const REDIS_RETRY_BASE_MS = 50;
export const REDIS_RETRY_MAX_MS = 2_000;
/**
 * A command in flight when the connection drops is resent after one reconnect attempt at most, then
 * fails; ioredis's default (20) would hold it through tens of seconds of backoff.
 */
export const REDIS_RETRIES_PER_REQUEST = 1;

export type RedisState = 'up' | 'connecting' | 'down';

/**
 * Reconnects forever (a Redis outage must never need a pod restart), with exponential backoff
 * from REDIS_RETRY_BASE_MS, capped at REDIS_RETRY_MAX_MS, and up to 25 % jitter so replicas do not
 * reconnect in lockstep after a Redis restart.
 */
export function redisRetryDelay(attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(
    REDIS_RETRY_MAX_MS,
    REDIS_RETRY_BASE_MS * 2 ** Math.min(Math.max(attempt - 1, 0), 16),
  );
  return Math.round(exponential * (0.75 + 0.25 * random()));
}

export const REDIS_CLIENT_OPTIONS: RedisOptions = Object.freeze({
  connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
  maxRetriesPerRequest: REDIS_RETRIES_PER_REQUEST,
  // Fail fast: while Redis is away a command is refused at once (and the limiter fails open)
  // instead of waiting in a queue and adding its wait to every chat message.
  enableOfflineQueue: false,
  retryStrategy: (attempt: number) => redisRetryDelay(attempt),
  lazyConnect: false,
});

export function redisState(client: Pick<Redis, 'status'>): RedisState {
  switch (client.status) {
    case 'ready':
      return 'up';
    case 'wait':
    case 'connecting':
    case 'connect':
      return 'connecting';
    case 'reconnecting':
    case 'close':
    case 'end':
      return 'down';
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

/** Logs one line per distinct failure and one per recovery: ioredis reports every reconnect attempt. */
export function watchRedis(client: Redis, logger: Logger, name: string): Redis {
  let lastError: string | undefined;
  let lost = false;
  client.on('error', (error: unknown) => {
    const code = codeOf(error);
    if (code !== lastError) logger.warn({ code, connection: name }, 'redis connection error');
    lastError = code;
  });
  client.on('reconnecting', () => {
    lost = true;
  });
  client.on('ready', () => {
    lastError = undefined;
    logger.info({ connection: name, reconnected: lost }, 'redis connected');
    lost = false;
  });
  return client;
}

/** The main client (limiters, admin rate limit, publishing); the URL may carry a password. */
export function createRedisClient(url: string, logger: Logger): Redis {
  return watchRedis(new Redis(url, { ...REDIS_CLIENT_OPTIONS }), logger, 'main');
}
