import type { LoadCounters, LoadPayload, OpenResult } from '../client/protocol.js';
import { WS_PATH } from '../server/protocol.js';
import { sleep, type BenchContext, type ClientHandle, type ServerHandle } from './context.js';

/** Upgrades in flight at once while a load opens its connections. */
export const OPEN_CONCURRENCY = 64;
const TOKEN_TTL_SEC = 3_600;
/** Lets the server finish closing the previous load's sockets before the next one starts. */
const SETTLE_MS = 300;
/** Share of one core above which the load generator itself may limit the figures. */
const CLIENT_SATURATED = 0.85;

export interface WindowOptions {
  readonly connections: number;
  /** Unique per run, so no user's limiter state carries over. */
  readonly subjectPrefix: string;
  readonly load: LoadPayload;
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly drainMs: number;
}

export interface WindowResult {
  readonly open: OpenResult;
  readonly counters: LoadCounters;
  /** Server process CPU (user + system) over the window. */
  readonly serverCpuUs: number;
  /** Lines the server wrote to stdout over the window (its JSON log). */
  readonly serverLogLines: number;
  /** Replies still unanswered when the load stopped. */
  readonly unanswered: number;
}

export async function openLoad(
  ctx: BenchContext,
  client: ClientHandle,
  server: ServerHandle,
  count: number,
  subjectPrefix: string,
): Promise<OpenResult> {
  const port = server.ready.port;
  return client.request('open', {
    url: `ws://127.0.0.1:${port}${WS_PATH}`,
    origin: `http://127.0.0.1:${port}`,
    count,
    concurrency: OPEN_CONCURRENCY,
    secret: ctx.secret,
    subjectPrefix,
    tokenTtlSec: TOKEN_TTL_SEC,
  });
}

/**
 * Opens the connections, starts the closed-loop load, lets it warm up, then measures one window:
 * the server's CPU sample and the client's counter reset are taken together, at both ends.
 */
export async function measureWindow(
  ctx: BenchContext,
  client: ClientHandle,
  server: ServerHandle,
  options: WindowOptions,
): Promise<WindowResult> {
  const open = await openLoad(ctx, client, server, options.connections, options.subjectPrefix);
  try {
    await client.request('start', options.load);
    await sleep(options.warmupMs);
    const [before] = await Promise.all([
      server.request('usage', undefined),
      client.request('mark', undefined),
    ]);
    const linesBefore = server.stdoutLines;
    await sleep(options.windowMs);
    const [after, counters] = await Promise.all([
      server.request('usage', undefined),
      client.request('collect', undefined),
    ]);
    const serverLogLines = server.stdoutLines - linesBefore;
    const { inFlight } = await client.request('stop', { drainMs: options.drainMs });
    return {
      open,
      counters,
      serverCpuUs: after.cpuUs - before.cpuUs,
      serverLogLines,
      unanswered: inFlight,
    };
  } finally {
    await client.request('closeAll', undefined);
    await sleep(SETTLE_MS);
  }
}

/** One line per anomaly worth reading next to the figures. */
export function anomalies(label: string, result: WindowResult): string[] {
  const notes: string[] = [];
  const { open, counters } = result;
  if (open.failed > 0)
    notes.push(
      `${label}: ${open.failed} of ${open.failed + open.opened} connections refused (${open.failures.join('; ')})`,
    );
  const errors = Object.entries(counters.errors);
  if (errors.length > 0)
    notes.push(
      `${label}: error frames ${errors.map(([code, count]) => `${code}×${count}`).join(', ')}`,
    );
  if (counters.exhausted > 0)
    notes.push(
      `${label}: ${counters.exhausted} connections used their frame budget inside the window`,
    );
  if (counters.closedByServer > 0)
    notes.push(`${label}: ${counters.closedByServer} connections closed by the server`);
  if (result.unanswered > 0)
    notes.push(`${label}: ${result.unanswered} replies unanswered when the load stopped`);
  return notes;
}

const busyShare = (result: WindowResult): number =>
  result.counters.clientCpuUs / 1_000 / result.counters.elapsedMs;

/** One line when the load generator itself was close to a full core in some run of `label`. */
export function saturation(label: string, results: readonly WindowResult[]): string[] {
  const busiest = Math.max(0, ...results.map(busyShare));
  if (busiest <= CLIENT_SATURATED) return [];
  return [
    `${label}: the load generator was busy up to ${Math.round(busiest * 100)} % of a core: its own limit, not the server's, may set these figures`,
  ];
}
