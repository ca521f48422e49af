import { randomUUID } from 'node:crypto';
import type { ClusterMessageRouter, MessageRouterOptions } from '@chatbox/router';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createControlChannel } from './control-channel.js';
import type {
  ControlChannel,
  ControlChannelObserver,
  ControlChannelStatus,
  ControlNotice,
} from './control-channel.js';
import type { ControlMessage } from './control-message.js';

export type ClusterRouter = Pick<
  ClusterMessageRouter,
  'releaseSession' | 'cancelGeneration' | 'endSession'
>;

/** What `/readyz` reports under `checks.redis`. */
export type ClusterStatus = ControlChannelStatus | { readonly status: 'off' };

/** The admin route's end: here, and through the channel on the instance that holds the socket. */
export interface SessionEnder {
  end(sessionId: string): Promise<boolean>;
}

export interface Cluster extends SessionEnder {
  readonly enabled: boolean;
  readonly instanceId: string;
  /** The router's publishing hooks; none with one instance (the router then acts alone, as before). */
  readonly routerHooks: Pick<MessageRouterOptions, 'onSessionBound' | 'onClientControl'>;
  /** The router that received messages act on; set once it exists (it needs `routerHooks` first). */
  attach(router: ClusterRouter): void;
  status(): ClusterStatus;
  close(): Promise<void>;
}

export interface ClusterOptions {
  /** The shared client when the limiter backend is redis; without it the channel is off. */
  readonly redis: Redis | undefined;
  readonly channel: string;
  readonly logger: Logger;
  /** Whether this instance holds the session in memory (a socket, a generation or a cached copy). */
  readonly holds: (sessionId: string) => boolean;
  readonly instanceId?: string;
  readonly observer?: ControlChannelObserver;
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/**
 * What a notice from another instance means here (packages/router/README.md, "What the server
 * wires"). A notice about a session this instance never held is a no-op: an end_session would
 * otherwise make every instance read the session from storage to end it again.
 */
export function applyControlMessage(
  router: ClusterRouter,
  message: ControlMessage,
  options: Pick<ClusterOptions, 'holds' | 'logger'>,
): void {
  const { sessionId } = message;
  switch (message.type) {
    case 'session_bound':
      router.releaseSession(sessionId, { boundBefore: message.boundAt, reason: 'bound elsewhere' });
      return;
    case 'cancel':
      router.cancelGeneration(sessionId);
      return;
    case 'end_session':
      if (!options.holds(sessionId)) return;
      router.endSession(sessionId, { reason: 'remote' }).catch((error: unknown) => {
        options.logger.warn({ sessionId, code: codeOf(error) }, 'remote end-session failed');
      });
      return;
  }
}

/**
 * The instance's half of running several replicas: the router's notices go out on the control
 * channel, and the other instances' notices come back in as router calls. Only with the redis
 * backend; with the memory backend there is one instance by definition and the channel is off.
 */
export function createCluster(options: ClusterOptions): Cluster {
  const { redis, logger } = options;
  const instanceId = options.instanceId ?? randomUUID();
  let router: ClusterRouter | undefined;
  const attached = (): ClusterRouter => {
    if (router === undefined) throw new Error('cluster used before its router was attached');
    return router;
  };

  if (redis === undefined) {
    logger.info(
      { instanceId },
      'control channel off: the rate limiter backend is memory (one instance)',
    );
    return {
      enabled: false,
      instanceId,
      routerHooks: {},
      attach(target) {
        router = target;
      },
      end: async (sessionId) => attached().endSession(sessionId, { reason: 'admin' }),
      status: () => ({ status: 'off' }),
      close: () => Promise.resolve(),
    };
  }

  const channel: ControlChannel = createControlChannel({
    redis,
    channel: options.channel,
    instanceId,
    logger,
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    onMessage: (message) => {
      if (router !== undefined) applyControlMessage(router, message, options);
    },
  });
  const publish = (notice: ControlNotice): void => {
    void channel.publish(notice);
  };
  logger.info({ instanceId, channel: options.channel }, 'control channel on');

  return {
    enabled: true,
    instanceId,
    routerHooks: {
      onSessionBound: (sessionId, { boundAt }) =>
        publish({ type: 'session_bound', sessionId, boundAt }),
      onClientControl: (control) => publish(control),
    },
    attach(target) {
      router = target;
    },
    async end(sessionId) {
      try {
        return await attached().endSession(sessionId, { reason: 'admin' });
      } finally {
        // Also when storage failed here: the instance holding the socket can still close it.
        await channel.publish({ type: 'end_session', sessionId });
      }
    },
    status: () => channel.status(),
    close: () => channel.close(),
  };
}
