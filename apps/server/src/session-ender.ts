import { randomUUID } from 'node:crypto';
import type { MessageRouter } from '@chatbox/router';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export const END_SESSION_CHANNEL = 'chatbox:admin:end-session';
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface SessionEnder {
  /** Ends the session here and, with Redis, on the instance that holds its connection. */
  end(sessionId: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface SessionEnderOptions {
  readonly router: Pick<MessageRouter, 'endSession'>;
  readonly logger: Logger;
  /** The shared client; a duplicate connection subscribes (a subscribed client can do nothing else). */
  readonly redis?: Redis;
  readonly instanceId?: string;
}

function parseNotice(text: string): { sessionId: string; origin: string } | undefined {
  try {
    const value = JSON.parse(text) as { sessionId?: unknown; origin?: unknown };
    if (typeof value.sessionId === 'string' && SESSION_ID.test(value.sessionId) && typeof value.origin === 'string') {
      return { sessionId: value.sessionId, origin: value.origin };
    }
  } catch {
    // A malformed notice is ignored below.
  }
  return undefined;
}

/**
 * Several instances share no sockets: an admin's end reaches the instance holding the session's
 * connection through Redis pub/sub (architecture.md, "Several instances").
 */
export function createSessionEnder(options: SessionEnderOptions): SessionEnder {
  const { router, logger, redis } = options;
  const instanceId = options.instanceId ?? randomUUID();
  const subscriber = redis?.duplicate();
  let closed: Promise<void> | undefined;

  if (subscriber !== undefined) {
    subscriber.on('error', (error: unknown) => logger.warn({ code: (error as { code?: unknown }).code }, 'end-session subscriber error'));
    subscriber.on('message', (_channel: string, text: string) => {
      const notice = parseNotice(text);
      if (notice === undefined) {
        logger.warn('ignored a malformed end-session notice');
        return;
      }
      if (notice.origin === instanceId) return;
      router.endSession(notice.sessionId, { reason: 'admin' }).catch((error: unknown) => {
        logger.warn({ sessionId: notice.sessionId, code: (error as { code?: unknown }).code }, 'remote end-session failed');
      });
    });
    subscriber.subscribe(END_SESSION_CHANNEL).catch((error: unknown) => {
      logger.error({ code: (error as { code?: unknown }).code }, 'end-session subscription failed');
    });
  }

  return {
    async end(sessionId) {
      const ended = await router.endSession(sessionId, { reason: 'admin' });
      if (redis !== undefined) {
        await redis.publish(END_SESSION_CHANNEL, JSON.stringify({ sessionId, origin: instanceId })).catch((error: unknown) => {
          logger.warn({ sessionId, code: (error as { code?: unknown }).code }, 'end-session notice not published');
        });
      }
      return ended;
    },
    close() {
      closed ??= subscriber === undefined ? Promise.resolve() : subscriber.quit().then(
        () => undefined,
        () => subscriber.disconnect(),
      );
      return closed;
    },
  };
}
