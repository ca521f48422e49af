import type { Config } from '@chatbox/config';
import type { LlmProvider } from '@chatbox/llm';
import { createMessageRouter } from '@chatbox/router';
import type { ClusterMessageRouter } from '@chatbox/router';
import { createSessionManager } from '@chatbox/session';
import type { SessionManager } from '@chatbox/session';
import { createMemoryStore, createMongoStore, createStreamWriter } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';
import { createTokenVerifier, createWebSocketGateway } from '@chatbox/websocket';
import type { TokenVerifier, WebSocketGateway } from '@chatbox/websocket';
import type { Logger } from 'pino';
import { createAuditLog } from './admin/audit.js';
import type { AuditLog } from './admin/audit.js';
import { createCluster } from './cluster/cluster.js';
import type { Cluster } from './cluster/cluster.js';
import { createClusterMetrics } from './cluster/cluster-metrics.js';
import { clusterTiming } from './cluster/timing.js';
import type { ClusterTiming } from './cluster/timing.js';
import { createLimiters } from './limiters.js';
import type { Limiters } from './limiters.js';
import { createLlmProvider } from './llm.js';
import { createMetrics } from './metrics.js';
import type { AppMetrics } from './metrics.js';
import { createStoreConnector } from './store-connector.js';
import type { ConnectingStore } from './store-connector.js';

/** What tests (and several apps in one process) may substitute; production passes none. */
export interface AppOverrides {
  /** A ready store used as is (e.g. one memory store shared by two apps); its close() is ours. */
  readonly store?: MeteredSessionStore;
  /** How the store is reached; default from config.storage. */
  readonly connectStore?: () => Promise<MeteredSessionStore>;
  readonly llm?: LlmProvider;
  readonly clock?: () => number;
  readonly instanceId?: string;
  /** First retry delay of the store connection at start. */
  readonly storeRetryBaseMs?: number;
  /** Readiness storage ping: its timeout and how long its answer is reused. */
  readonly pingTimeoutMs?: number;
  readonly pingCacheMs?: number;
}

export interface Components {
  readonly store: ConnectingStore;
  readonly sessions: SessionManager;
  readonly limiters: Limiters;
  readonly llm: LlmProvider;
  readonly router: ClusterMessageRouter;
  readonly verifier: TokenVerifier;
  readonly gateway: WebSocketGateway;
  /** Several instances: the control channel over Redis (off with the memory limiter backend). */
  readonly cluster: Cluster;
  readonly timing: ClusterTiming;
  readonly audit: AuditLog;
  readonly metrics: AppMetrics;
  /** Everything but the gateway, in dependency order; the store closes last (R10). */
  close(): Promise<void>;
}

function connectorFor(
  config: Config,
  logger: Logger,
  overrides: AppOverrides,
): () => Promise<MeteredSessionStore> {
  if (overrides.store !== undefined) {
    const store = overrides.store;
    return () => Promise.resolve(store);
  }
  if (overrides.connectStore !== undefined) return overrides.connectStore;
  const { storage } = config;
  if (storage.backend === 'mongodb' && storage.mongodbUri !== undefined) {
    const uri = storage.mongodbUri;
    return () =>
      createMongoStore({
        uri,
        database: storage.database,
        serverSelectionTimeoutMs: storage.serverSelectionTimeoutMs,
        retry: storage.retry,
        logger,
      });
  }
  return () => Promise.resolve(createMemoryStore({ logger }));
}

export function createComponents(
  config: Config,
  logger: Logger,
  overrides: AppOverrides = {},
): Components {
  const clock = overrides.clock ?? Date.now;
  const storageLogger = logger.child({ component: 'storage' });
  const store = createStoreConnector({
    connect: connectorFor(config, storageLogger, overrides),
    durable: overrides.store?.durable ?? config.storage.backend === 'mongodb',
    logger: storageLogger,
    ...(overrides.storeRetryBaseMs === undefined
      ? {}
      : { retryBaseMs: overrides.storeRetryBaseMs }),
  });

  // Sessions the sweeper ends for idleness are persisted; close() waits for those writes.
  const pendingWrites = new Set<Promise<void>>();
  const sessions = createSessionManager({
    retentionMs: config.sessions.retentionMs,
    maxEndedRetained: config.sessions.maxEndedRetained,
    idleTimeoutMs: config.sessions.idleTimeoutMs,
    maxHistoryMessages: config.sessions.maxHistoryMessages,
    sweepIntervalMs: config.sessions.sweepIntervalMs,
    clock,
    logger: logger.child({ component: 'sessions' }),
    onIdleEnd: (snapshot) => {
      const write = store
        .endSession(snapshot)
        .catch((error: unknown) =>
          logger.warn(
            { sessionId: snapshot.id, code: (error as { code?: unknown }).code },
            'idle session not persisted',
          ),
        )
        .finally(() => pendingWrites.delete(write));
      pendingWrites.add(write);
    },
  });

  // Sources are read at scrape time, after every component below exists.
  const metrics: AppMetrics = createMetrics({
    sessions: () => sessions.stats(),
    router: () => router.stats(),
    storage: () => store.metrics,
    auditEntries: () => audit.total,
  });
  const limiters = createLimiters({
    config: config.rateLimit,
    maxConnectionsPerUser: config.websocket.maxConnectionsPerUser,
    logger,
    onBackendError: (operation) => metrics.limiterBackendError(operation),
    clock,
  });
  const llm =
    overrides.llm ?? createLlmProvider(config.llm, config.rateLimit.maxInputChars, logger);
  const cluster = createCluster({
    redis: limiters.redis,
    channel: config.cluster.controlChannel,
    logger: logger.child({ component: 'cluster' }),
    holds: (sessionId) => sessions.has(sessionId),
    observer: createClusterMetrics(metrics.registry, () => cluster.status()),
    ...(overrides.instanceId === undefined ? {} : { instanceId: overrides.instanceId }),
  });
  const timing = clusterTiming(config.storage);
  const router = createMessageRouter({
    sessions,
    store,
    llm,
    openStreamWriter: (sessionId, seq) =>
      createStreamWriter({
        store,
        sessionId,
        seq,
        flushIntervalMs: config.storage.streamFlushIntervalMs,
        clock,
        logger: storageLogger,
      }),
    messageLimiter: limiters.messageLimiter,
    generationLimiter: limiters.generationLimiter,
    maxInputChars: config.rateLimit.maxInputChars,
    maxTokens: config.llm.maxTokens,
    logger,
    clock,
    onEvent: (event) => metrics.onRouterEvent(event),
    heartbeatIntervalMs: timing.heartbeatIntervalMs,
    staleStreamingAfterMs: timing.staleStreamingAfterMs,
    followIntervalMs: timing.followIntervalMs,
    coalesceMs: config.websocket.deltaCoalesceMs,
    ...cluster.routerHooks,
  });
  cluster.attach(router);
  const { auth, websocket } = config;
  const verifier = createTokenVerifier({
    ...(auth.jwtSecret === undefined ? {} : { secret: auth.jwtSecret }),
    ...(auth.publicKeyPem === undefined ? {} : { publicKeyPem: auth.publicKeyPem }),
    ...(auth.jwksUrl === undefined ? {} : { jwksUrl: auth.jwksUrl }),
    algorithms: auth.algorithms,
    issuer: auth.issuer,
    audience: auth.audience,
    tokenType: auth.tokenType,
    clockToleranceSec: auth.clockToleranceSec,
    rolesClaim: auth.rolesClaim,
  });
  const gateway = createWebSocketGateway({
    router,
    verifier,
    env: config.env,
    path: websocket.path,
    allowedOrigins: websocket.allowedOrigins,
    allowMissingOrigin: websocket.allowMissingOrigin,
    maxPayloadBytes: websocket.maxPayloadBytes,
    pingIntervalMs: websocket.pingIntervalMs,
    pongTimeoutMs: websocket.pongTimeoutMs,
    sendBufferLimitBytes: websocket.sendBufferLimitBytes,
    maxConnectionsPerUser: websocket.maxConnectionsPerUser,
    invalidFramesPerMinute: websocket.invalidFramesPerMinute,
    framesPerMinutePerConnection: websocket.framesPerMinutePerConnection,
    parseLimits: { maxChars: config.rateLimit.maxInputChars },
    ...(limiters.connectionLimiter === undefined
      ? {}
      : { connectionLimiter: limiters.connectionLimiter }),
    logger,
    clock,
    onEvent: (event) => metrics.onGatewayEvent(event),
  });
  const audit = createAuditLog(logger.child({ component: 'audit' }));

  let closed: Promise<void> | undefined;
  return {
    store,
    sessions,
    limiters,
    llm,
    router,
    verifier,
    gateway,
    cluster,
    timing,
    audit,
    metrics,
    close() {
      // One failing step must not keep the later ones, the store's close above all, from running.
      const step = async (name: string, work: () => unknown): Promise<void> => {
        try {
          await work();
        } catch (error) {
          logger.error(
            { step: name, code: (error as { code?: unknown } | null)?.code },
            'close step failed',
          );
        }
      };
      closed ??= (async () => {
        // Unsubscribed first: no notice from another instance acts on a router that is closing.
        await step('control channel', () => cluster.close());
        await step('router', () => router.close());
        await step('sessions', () => sessions.close());
        await step('pending writes', () => Promise.allSettled([...pendingWrites]));
        await step('llm', () => llm.close());
        await step('limiters', () => limiters.close());
        await step('store', () => store.close());
      })();
      return closed;
    },
  };
}
