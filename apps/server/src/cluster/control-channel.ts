import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisState, watchRedis } from '../redis-client.js';
import type { RedisState } from '../redis-client.js';
import {
  CONTROL_MESSAGE_VERSION,
  encodeControlMessage,
  parseControlMessage,
} from './control-message.js';
import type {
  ControlMessage,
  ControlMessageType,
  InvalidControlReason,
} from './control-message.js';

/** Unsubscribe and QUIT get this long at shutdown before the connection is simply dropped. */
export const CONTROL_CLOSE_TIMEOUT_MS = 1_000;
/** A flood of invalid messages is counted in full but logged at most this often. */
export const INVALID_LOG_INTERVAL_MS = 60_000;

/** What a caller publishes; the channel adds the version, a message id and its origin. */
export type ControlNotice =
  | { readonly type: 'session_bound'; readonly sessionId: string; readonly boundAt: number }
  | { readonly type: 'cancel' | 'end_session'; readonly sessionId: string };

export interface ControlChannelObserver {
  received(type: ControlMessageType): void;
  published(type: ControlMessageType): void;
  publishFailed(type: ControlMessageType): void;
  invalid(reason: InvalidControlReason): void;
}

export interface ControlChannelStatus {
  /** `up` once both connections are ready and the subscription is confirmed by Redis. */
  readonly status: RedisState;
  readonly main: RedisState;
  readonly subscriber: RedisState;
  readonly subscribed: boolean;
  readonly channel: string;
  readonly instanceId: string;
}

export interface ControlChannelOptions {
  /** The shared client publishes; a duplicate connection subscribes (it can do nothing else). */
  readonly redis: Redis;
  readonly channel: string;
  readonly instanceId: string;
  readonly logger: Logger;
  /** A valid message from another instance. */
  readonly onMessage: (message: ControlMessage) => void;
  readonly observer?: ControlChannelObserver;
  readonly newId?: () => string;
  readonly clock?: () => number;
}

export interface ControlChannel {
  readonly instanceId: string;
  readonly channel: string;
  /** Resolves false (counted, never thrown) when Redis is not connected or the publish fails. */
  publish(notice: ControlNotice): Promise<boolean>;
  status(): ControlChannelStatus;
  /** Unsubscribes and closes the subscriber connection; idempotent. The shared client is not ours. */
  close(): Promise<void>;
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([work.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Redis pub/sub between the instances (architecture.md, "Several instances"). Delivery is at most
 * once and only to instances subscribed at that moment: every action sent here is also safe to
 * lose (see apps/server/README.md, "Several instances"). The subscription is (re)made on every
 * `ready` of the subscriber connection, so a Redis restart needs no help from the process.
 */
export function createControlChannel(options: ControlChannelOptions): ControlChannel {
  const { redis, channel, instanceId, logger, observer } = options;
  const newId = options.newId ?? randomUUID;
  const clock = options.clock ?? Date.now;
  const subscriber = watchRedis(redis.duplicate({ autoResubscribe: false }), logger, 'subscriber');
  let subscribed = false;
  let epoch = 0;
  let closed: Promise<void> | undefined;
  let publishFailing = false;
  let lastInvalidLogAt = Number.NEGATIVE_INFINITY;
  let invalidSinceLog = 0;

  const subscribe = (): void => {
    const mine = epoch;
    subscriber.subscribe(channel).then(
      () => {
        if (mine !== epoch || closed !== undefined) return;
        subscribed = true;
        logger.info({ channel, instanceId }, 'control channel subscribed');
      },
      (error: unknown) =>
        logger.warn(
          { channel, code: codeOf(error) },
          'control channel subscription failed; retried on reconnect',
        ),
    );
  };
  subscriber.on('ready', () => {
    if (closed === undefined) subscribe();
  });
  subscriber.on('close', () => {
    epoch += 1;
    subscribed = false;
  });

  const invalid = (reason: InvalidControlReason): void => {
    observer?.invalid(reason);
    invalidSinceLog += 1;
    const now = clock();
    if (now - lastInvalidLogAt < INVALID_LOG_INTERVAL_MS) return;
    logger.warn({ channel, reason, count: invalidSinceLog }, 'ignored invalid control messages');
    lastInvalidLogAt = now;
    invalidSinceLog = 0;
  };

  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel || closed !== undefined) return;
    const parsed = parseControlMessage(text);
    if (!parsed.ok) {
      invalid(parsed.reason);
      return;
    }
    const { message } = parsed;
    // Redis delivers our own publications back to us; they were acted on before publishing.
    if (message.origin === instanceId) return;
    observer?.received(message.type);
    try {
      options.onMessage(message);
    } catch (error) {
      logger.error(
        { type: message.type, sessionId: message.sessionId, code: codeOf(error) },
        'control message handler failed',
      );
    }
  });

  const failed = (type: ControlMessageType, code: unknown): false => {
    observer?.publishFailed(type);
    // One line per outage: every session bound during it would otherwise log its own.
    if (!publishFailing) logger.warn({ channel, type, code }, 'control message not published');
    publishFailing = true;
    return false;
  };

  return {
    instanceId,
    channel,
    async publish(notice) {
      if (closed !== undefined) return false;
      // Fail fast: a queued publish would deliver a stale command (a release, an end) much later.
      if (redis.status !== 'ready') return failed(notice.type, 'ERR_REDIS_NOT_CONNECTED');
      const message = {
        v: CONTROL_MESSAGE_VERSION,
        id: newId(),
        origin: instanceId,
        ...notice,
      } as ControlMessage;
      try {
        await redis.publish(channel, encodeControlMessage(message));
      } catch (error) {
        return failed(notice.type, codeOf(error));
      }
      publishFailing = false;
      observer?.published(notice.type);
      return true;
    },
    status() {
      const main = redisState(redis);
      const sub = redisState(subscriber);
      const worst: RedisState =
        main === 'down' || sub === 'down'
          ? 'down'
          : main === 'up' && sub === 'up' && subscribed
            ? 'up'
            : 'connecting';
      return { status: worst, main, subscriber: sub, subscribed, channel, instanceId };
    },
    close() {
      closed ??= (async () => {
        subscribed = false;
        if (subscriber.status === 'ready') {
          await withTimeout(
            subscriber.unsubscribe(channel).then(() => subscriber.quit()),
            CONTROL_CLOSE_TIMEOUT_MS,
          );
        }
        subscriber.disconnect();
        logger.info({ channel }, 'control channel closed');
      })();
      return closed;
    },
  };
}
