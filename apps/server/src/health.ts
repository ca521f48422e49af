import type { FastifyInstance } from 'fastify';
import type { LevelWithSilent } from 'pino';
import type { ClusterStatus } from './cluster/cluster.js';
import type { Lifecycle, LifecycleState } from './lifecycle.js';
import type { ConnectingStore } from './store-connector.js';

export const DEFAULT_PING_TIMEOUT_MS = 1_000;
export const DEFAULT_PING_CACHE_MS = 5_000;

export type DependencyState = 'up' | 'down' | 'connecting';

export interface StorageStatus {
  readonly status: DependencyState;
  readonly backend: 'memory' | 'mongodb';
  readonly durable: boolean;
  readonly latencyMs?: number;
  readonly error?: string;
  readonly checkedAt?: string;
}

export interface LimiterStatus {
  readonly status: DependencyState;
  readonly backend: 'memory' | 'redis';
}

export interface LlmStatus {
  readonly status: 'configured' | 'demo';
  readonly provider: string;
  readonly model: string;
}

export interface ReadinessReport {
  readonly status: LifecycleState;
  readonly ready: boolean;
  readonly checks: {
    readonly storage: StorageStatus;
    readonly limiter: LimiterStatus;
    /** The Redis connections and the control channel's subscription; `off` with the memory backend. */
    readonly redis: ClusterStatus;
    readonly llm: LlmStatus;
  };
}

export interface HealthOptions {
  readonly lifecycle: Lifecycle;
  readonly store: ConnectingStore;
  readonly storageBackend: 'memory' | 'mongodb';
  readonly limiter: () => LimiterStatus;
  readonly redis: () => ClusterStatus;
  readonly llm: LlmStatus;
  readonly pingTimeoutMs?: number;
  readonly pingCacheMs?: number;
  readonly clock?: () => number;
  /** Route log level for the probes (see quietLevel). */
  readonly logLevel?: LevelWithSilent;
}

interface CachedPing {
  readonly at: number;
  readonly result: Pick<StorageStatus, 'status' | 'latencyMs' | 'error'>;
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERR_STORAGE_UNAVAILABLE';
}

/** A storage ping bounded by a short timeout and shared by concurrent probes for `cacheMs`. */
export function createStoragePinger(options: HealthOptions): () => Promise<StorageStatus> {
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
  const cacheMs = options.pingCacheMs ?? DEFAULT_PING_CACHE_MS;
  let cached: CachedPing | undefined;
  let inFlight: Promise<CachedPing> | undefined;

  const ping = async (): Promise<CachedPing> => {
    const started = clock();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(Object.assign(new Error('ping timed out'), { code: 'ERR_SERVER_PING_TIMEOUT' })),
        timeoutMs,
      );
      timer.unref();
    });
    try {
      await Promise.race([options.store.ping(), timeout]);
      return { at: clock(), result: { status: 'up', latencyMs: clock() - started } };
    } catch (error) {
      return { at: clock(), result: { status: 'down', error: codeOf(error) } };
    } finally {
      clearTimeout(timer);
    }
  };

  return async () => {
    const base = { backend: options.storageBackend, durable: options.store.durable };
    if (!options.store.connected) return { ...base, status: 'connecting' };
    if (cached === undefined || clock() - cached.at >= cacheMs) {
      inFlight ??= ping().finally(() => {
        inFlight = undefined;
      });
      cached = await inFlight;
    }
    return { ...base, ...cached.result, checkedAt: new Date(cached.at).toISOString() };
  };
}

/**
 * Liveness and readiness (finding 16, R12). `/healthz` answers from the event loop with no I/O, so
 * a database outage never gets the pod restarted. `/readyz` follows the process's own state only:
 * dependency status is reported in the body but does not fail it, because every replica shares
 * those dependencies and failing them all would empty the Service (see README).
 */
export function registerHealthRoutes(app: FastifyInstance, options: HealthOptions): void {
  const storage = createStoragePinger(options);
  const logLevel = options.logLevel ?? 'warn';
  app.get('/healthz', { logLevel }, (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', { logLevel }, async (_request, reply) => {
    const checks = {
      storage: await storage(),
      limiter: options.limiter(),
      redis: options.redis(),
      llm: options.llm,
    };
    // Read after the ping: a drain that began meanwhile is answered at once.
    const state = options.lifecycle.state;
    const report: ReadinessReport = { status: state, ready: state === 'ready', checks };
    return reply
      .code(report.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(report);
  });
}
