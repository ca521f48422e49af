import type { LatencySummary } from '../stats.js';

export interface OpenPayload {
  readonly url: string;
  readonly origin: string;
  readonly count: number;
  /** Upgrades in flight at once. */
  readonly concurrency: number;
  /** HS256 secret the server verifies with; each connection gets its own user (`sub`). */
  readonly secret: string;
  readonly subjectPrefix: string;
  readonly tokenTtlSec: number;
}

export interface OpenResult {
  readonly opened: number;
  readonly failed: number;
  /** The first few failure reasons. */
  readonly failures: readonly string[];
  readonly elapsedMs: number;
}

export type LoadMode = 'echo' | 'stream';

export interface LoadPayload {
  readonly mode: LoadMode;
  /** The `content` of each send frame. */
  readonly content: string;
  /** Messages one connection sends at most (chatbox's per-connection frame budget); 0: no cap. */
  readonly perConnectionBudget: number;
  /** First sends are spread over this long, so paced streams do not tick in lockstep. */
  readonly staggerMs: number;
}

export interface LoadCounters {
  readonly elapsedMs: number;
  /** Round trips completed (echo: send → done or the echoed frame). */
  readonly roundTrips: number;
  readonly framesIn: number;
  readonly deltas: number;
  readonly deltaChars: number;
  /** Replies finished with `done`. */
  readonly streams: number;
  readonly errors: Readonly<Record<string, number>>;
  /** Connections that stopped because they used their frame budget. */
  readonly exhausted: number;
  /** Connections the server closed. */
  readonly closedByServer: number;
  /** The load generator's own CPU over the window: near a core's worth, it is the bottleneck. */
  readonly clientCpuUs: number;
  /** Round trip in ms (echo). */
  readonly latency: LatencySummary;
  /** Send → first delta in ms (stream). */
  readonly firstToken: LatencySummary;
}

export type ClientCommands = {
  open: { payload: OpenPayload; result: OpenResult };
  start: { payload: LoadPayload; result: null };
  /** Resets the counters: the measured window starts now. */
  mark: { payload: undefined; result: null };
  collect: { payload: undefined; result: LoadCounters };
  /** No new sends; waits up to drainMs for replies in flight. */
  stop: { payload: { drainMs: number }; result: { inFlight: number } };
  closeAll: { payload: undefined; result: null };
};
