import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { Config } from '@chatbox/config';
import Fastify from 'fastify';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream, Logger } from 'pino';
import { ADMIN_PREFIX, adminPlugin } from './admin/plugin.js';
import { createComponents } from './components.js';
import type { AppOverrides, Components } from './components.js';
import { ServerError } from './errors.js';
import { registerHealthRoutes } from './health.js';
import { installErrorHandling } from './http-errors.js';
import { createLifecycle } from './lifecycle.js';
import type { Lifecycle } from './lifecycle.js';
import { llmStatus } from './llm.js';
import { createLogger, quietLevel } from './logger.js';
import { createMaintenance } from './maintenance.js';
import { announceMode } from './mode.js';
import { PAGE_CSP_DIRECTIVES, registerPageRoutes } from './page.js';

/** Kept from the shutdown deadline for app.close() after the gateway's share (router, store). */
export const CLOSE_RESERVE_MS = 2_000;
const CLOSE_RESERVE_SHARE = 0.2;

export interface ShutdownReport {
  readonly durationMs: number;
}

/** What the app exposes to main.ts and tests as `app.chatbox`. */
export interface ChatboxHandle {
  readonly config: Config;
  readonly lifecycle: Lifecycle;
  readonly components: Components;
  /** R10: readiness off at once, drain and close sockets, app.close(), storage last. Idempotent. */
  shutdown(options?: { restart?: boolean }): Promise<ShutdownReport>;
}

declare module 'fastify' {
  interface FastifyInstance {
    chatbox: ChatboxHandle;
  }
}

export interface ChatboxAppOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly overrides?: AppOverrides;
  readonly publicDir?: string;
}

/**
 * The whole service as one Fastify plugin (fastify/demo style): config → storage → sessions →
 * limiters → model → router → WebSocket gateway → routes. main.ts only starts and stops it.
 */
const chatboxAppPlugin: FastifyPluginAsync<ChatboxAppOptions> = async (fastify, options) => {
  const { config, logger } = options;
  const overrides = options.overrides ?? {};
  const clock = overrides.clock ?? Date.now;
  const lifecycle = createLifecycle(clock);
  announceMode(
    config,
    overrides.llm ?? { name: config.llm.provider, demo: config.llm.provider === 'demo' },
    logger,
  );
  const components = createComponents(config, logger, overrides);
  const { store, limiters, llm, gateway, metrics } = components;
  const maintenance = createMaintenance({
    store,
    sweepStale: () => components.router.sweepStale(),
    intervalMs: components.timing.sweepIntervalMs,
    retentionMs: config.sessions.retentionMs,
    logger: logger.child({ component: 'maintenance' }),
    clock,
  });

  // Registered first, so it runs after every other onClose: the store is closed last (R10).
  fastify.addHook('onClose', async () => {
    await maintenance.stop();
    await components.close();
  });
  fastify.addHook('preClose', (done) => {
    lifecycle.markClosed();
    done();
  });
  // R11: once close has begun every request is answered 503, never half-served.
  fastify.addHook('onRequest', async (_request, reply) => {
    if (lifecycle.state !== 'closed') return;
    void reply.header('connection', 'close');
    throw new ServerError('ERR_SERVER_UNAVAILABLE', 'the server is shutting down');
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    return payload;
  });
  fastify.addHook('onReady', (done) => {
    void boot();
    done();
  });

  async function boot(): Promise<void> {
    try {
      await store.whenConnected();
    } catch {
      return; // closed before it connected
    }
    await maintenance.runOnce();
    // A shutdown that began meanwhile wins: no timer may outlive the store's close.
    if (lifecycle.state !== 'booting') return;
    maintenance.start();
    lifecycle.markReady();
    logger.info('ready');
  }

  let shuttingDown: Promise<ShutdownReport> | undefined;
  const shutdown = (shutdownOptions: { restart?: boolean } = {}): Promise<ShutdownReport> => {
    shuttingDown ??= (async () => {
      const started = performance.now();
      lifecycle.beginDrain();
      const { deadlineMs, drainMs } = config.shutdown;
      logger.info({ drainMs, deadlineMs }, 'shutdown: not ready, draining');
      const reserve = Math.min(CLOSE_RESERVE_MS, deadlineMs * CLOSE_RESERVE_SHARE);
      const gatewayMs = Math.max(0, deadlineMs - reserve);
      try {
        await gateway.shutdown({
          drainMs: Math.min(drainMs, gatewayMs),
          deadlineMs: gatewayMs,
          restart: shutdownOptions.restart === true,
        });
      } catch (error) {
        logger.error({ err: error }, 'gateway shutdown failed; closing anyway');
      }
      await fastify.close();
      const durationMs = Math.round(performance.now() - started);
      logger.info({ durationMs }, 'shutdown complete');
      return { durationMs };
    })();
    return shuttingDown;
  };
  fastify.decorate('chatbox', { config, lifecycle, components, shutdown });

  installErrorHandling(fastify);
  await fastify.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP_DIRECTIVES },
    // Same-origin page and API: nothing here is meant to be embedded or read cross-origin.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
  });
  const quiet = quietLevel(config.log.level);
  registerHealthRoutes(fastify, {
    logLevel: quiet,
    lifecycle,
    store,
    storageBackend: store.durable ? 'mongodb' : 'memory',
    limiter: () => limiters.status(),
    redis: () => components.cluster.status(),
    llm: llmStatus(llm, config.llm),
    clock,
    ...(overrides.pingTimeoutMs === undefined ? {} : { pingTimeoutMs: overrides.pingTimeoutMs }),
    ...(overrides.pingCacheMs === undefined ? {} : { pingCacheMs: overrides.pingCacheMs }),
  });
  fastify.get('/metrics', { logLevel: quiet }, async (_request, reply) =>
    reply
      .type(metrics.registry.contentType)
      .header('cache-control', 'no-store')
      .send(await metrics.render()),
  );
  await registerPageRoutes(fastify, options.publicDir, quiet);
  await fastify.register(gateway.plugin);
  await fastify.register(adminPlugin, {
    prefix: ADMIN_PREFIX,
    verifier: components.verifier,
    adminRole: config.auth.adminRole,
    requestsPerMinute: config.rateLimit.adminRequestsPerMinute,
    redis: limiters.redis,
    metrics,
    store,
    messages: limiters.messages,
    generations: limiters.generations,
    generationLimit: limiters.generationLimit,
    ender: components.cluster,
    audit: components.audit,
  });
};

// Fastify's own marker (what fastify-plugin sets): the decorations and hooks apply to the caller.
export const chatboxApp = Object.assign(chatboxAppPlugin, { [Symbol.for('skip-override')]: true });

export interface BuildAppOptions extends AppOverrides {
  readonly logger?: Logger;
  /** Where JSON logs go when no logger is given (tests capture them). */
  readonly logDestination?: DestinationStream;
  readonly publicDir?: string;
}

function trustHops(hops: number): boolean | ((address: string, hop: number) => boolean) {
  return hops > 0 ? (_address, hop) => hop < hops : false;
}

/** A configured Fastify instance with the whole service registered; listen() or inject() it. */
export async function buildApp(
  config: Config,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const { logger: given, logDestination, publicDir, ...overrides } = options;
  const logger =
    given ??
    createLogger(config, logDestination === undefined ? {} : { destination: logDestination });
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: logger,
    genReqId: () => randomUUID(),
    // S9: X-Forwarded-For is believed only from the configured number of proxies.
    trustProxy: trustHops(config.server.trustProxyHops),
    bodyLimit: config.server.bodyLimitBytes,
    return503OnClosing: true,
  });
  await app.register(chatboxApp, {
    config,
    logger,
    overrides,
    ...(publicDir === undefined ? {} : { publicDir }),
  });
  return app;
}
