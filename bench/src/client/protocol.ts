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

/**
 * How the provider cuts each reply into tokens (its chunks), so the load generator counts tokens
 * from the delta frames' offsets whatever the server merges into one frame: a token is delivered
 * when the frame holding its last character arrives. Offsets count UTF-16 units and chunks code
 * points: the two agree because the replies of the bench are ASCII.
 */
export interface ReplyShape {
  /** Length of every reply. */
  readonly chars: number;
  /** Characters per provider chunk (the last chunk may be shorter). */
  readonly chunkSize: number;
}

export interface LoadPayload {
  readonly mode: LoadMode;
  /** The `content` of each send frame. */
  readonly content: string;
  /** Messages one connection sends at most (chatbox's per-connection frame budget); 0: no cap. */
  readonly perConnectionBudget: number;
  /** First sends are spread over this long, so paced streams do not tick in lockstep. */
  readonly staggerMs: number;
  /** Without it, every delta frame counts as one token. */
  readonly reply?: ReplyShape;
}

export interface LoadCounters {
  readonly elapsedMs: number;
  /** Round trips completed (echo: send → done or the echoed frame). */
  readonly roundTrips: number;
  readonly framesIn: number;
  /** Delta frames received (with coalescing, one frame may carry several tokens). */
  readonly deltas: number;
  /** Provider chunks whose last character arrived (`LoadPayload.reply`), else delta frames. */
  readonly tokens: number;
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
