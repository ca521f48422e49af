import type { Logger } from 'pino';
import type { ConnectingStore } from './store-connector.js';

export interface MaintenanceOptions {
  readonly store: Pick<ConnectingStore, 'durable' | 'purgeEnded'>;
  /**
   * R5 crash recovery: marks replies no instance heartbeats any more `interrupted` and resolves how
   * many (the router's `sweepStale`, which heartbeats this instance's own generations first).
   */
  readonly sweepStale: () => Promise<number>;
  readonly intervalMs: number;
  /** Ended sessions older than this are purged from a non-durable store (its memory is bounded). */
  readonly retentionMs: number;
  readonly logger: Logger;
  readonly clock?: () => number;
}

export interface Maintenance {
  /** One pass: crash recovery (R5), then the in-memory store's retention. Never rejects. */
  runOnce(): Promise<{ interrupted: number; purged: number }>;
  /** An unref()ed interval of passes; idempotent. */
  start(): void;
  /** Stops the timer and waits for a pass in flight, so no write follows the store's close. */
  stop(): Promise<void>;
}

/**
 * R5: a reply whose writer died with its process (SIGKILL, OOM) stays `streaming` until a sweep
 * marks it `interrupted`; every instance sweeps, and the heartbeat age keeps live streams safe.
 */
export function createMaintenance(options: MaintenanceOptions): Maintenance {
  const clock = options.clock ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<{ interrupted: number; purged: number }> | undefined;

  const pass = async (): Promise<{ interrupted: number; purged: number }> => {
    let interrupted = 0;
    let purged = 0;
    try {
      interrupted = await options.sweepStale();
      if (!options.store.durable)
        purged = await options.store.purgeEnded(new Date(clock() - options.retentionMs));
    } catch (error) {
      options.logger.warn({ code: (error as { code?: unknown }).code }, 'maintenance pass failed');
    }
    return { interrupted, purged };
  };

  return {
    runOnce() {
      running ??= pass().finally(() => {
        running = undefined;
      });
      return running;
    },
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => void this.runOnce(), options.intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
