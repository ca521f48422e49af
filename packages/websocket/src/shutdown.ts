import type { Logger } from 'pino';
import type { GatewayConnection } from './connection.js';
import { CLOSE_CODES, type MessageRouter } from './router-types.js';
import type { GatewayTimers } from './timers.js';

/** At most this much of the deadline is kept for the close handshakes. */
export const SHUTDOWN_CLOSE_BUDGET_MS = 500;
/** At most this much of the deadline is kept for aborting generations and storing partials. */
export const SHUTDOWN_ABORT_BUDGET_MS = 1_000;
/** Sockets still open this long before the deadline are terminated. */
const TERMINATE_MARGIN_MS = 25;
const BUDGET_SHARE = 0.25;

export interface ShutdownOptions {
  drainMs: number;
  deadlineMs: number;
  /** Close with 1012 (service restart) instead of 1001 (going away). */
  restart?: boolean;
}

export interface ShutdownContext {
  readonly router: MessageRouter;
  readonly connections: () => readonly GatewayConnection[];
  readonly clock: () => number;
  readonly timers: GatewayTimers;
  readonly logger: Logger;
}

/** Settles with true when `work` settled within `ms`, false on timeout; never rejects. */
export function within(
  work: Promise<unknown>,
  ms: number,
  timers: GatewayTimers,
): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = timers.setTimeout(() => resolve(false), ms);
    const settle = (): void => {
      timers.clearTimeout(timer);
      resolve(true);
    };
    work.then(settle, settle);
  });
}

/** Why `options` are unusable (budgets must be finite and >= 0), or undefined. */
export function shutdownOptionsProblem(options: ShutdownOptions): string | undefined {
  for (const name of ['drainMs', 'deadlineMs'] as const) {
    const value = options[name];
    if (!Number.isFinite(value) || value < 0) return `${name} must be a finite number >= 0`;
  }
  return undefined;
}

/** The close code and reason every client gets (R10: 1001 going away / 1012 restart). */
export function shutdownClose(restart: boolean | undefined): { code: number; reason: string } {
  return restart === true
    ? { code: CLOSE_CODES.serviceRestart, reason: 'server_restart' }
    : { code: CLOSE_CODES.goingAway, reason: 'server_shutdown' };
}

/**
 * Finding 15: every phase has a share of the deadline, so the whole resolves before it even when
 * the router hangs or clients never answer the close handshake.
 */
export async function runShutdown(
  context: ShutdownContext,
  options: ShutdownOptions,
): Promise<void> {
  const { router, clock, timers, logger } = context;
  const problem = shutdownOptionsProblem(options);
  if (problem !== undefined) throw new TypeError(problem);
  const { drainMs, deadlineMs } = options;
  const start = clock();
  const deadlineAt = start + deadlineMs;
  const closeBudget = Math.min(SHUTDOWN_CLOSE_BUDGET_MS, deadlineMs * BUDGET_SHARE);
  const abortBudget = Math.min(SHUTDOWN_ABORT_BUDGET_MS, deadlineMs * BUDGET_SHARE);

  router.drain();
  const drainUntil = Math.min(start + drainMs, deadlineAt - closeBudget - abortBudget);
  const drainLeft = drainUntil - clock();
  if (drainLeft > 0) {
    const idle = router.idle(drainLeft).catch((error: unknown) => {
      logger.warn({ err: error }, 'router.idle failed during shutdown');
    });
    await within(idle, drainLeft, timers);
  }

  const aborted = router.abortAll().catch((error: unknown) => {
    logger.error({ err: error }, 'router.abortAll failed during shutdown');
  });
  if (!(await within(aborted, deadlineAt - closeBudget - clock(), timers))) {
    logger.warn('generations not stored before the close phase');
  }

  const { code, reason } = shutdownClose(options.restart);
  const open = context.connections();
  for (const connection of open) connection.close(code, reason);
  const allClosed = Promise.all(open.map((connection) => connection.closed));
  if (!(await within(allClosed, deadlineAt - TERMINATE_MARGIN_MS - clock(), timers))) {
    const stuck = context.connections();
    logger.warn(
      { connections: stuck.length },
      'terminating sockets that did not finish the close handshake',
    );
    for (const connection of stuck) connection.terminate();
    await within(allClosed, deadlineAt - clock(), timers);
  }
  logger.info(
    { elapsedMs: clock() - start, connections: open.length },
    'websocket gateway shut down',
  );
}
