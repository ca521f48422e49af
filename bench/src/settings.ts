import { execFileSync } from 'node:child_process';

export const SCENARIOS = ['echo', 'streaming', 'idle', 'storage', 'soak'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Settings {
  readonly quick: boolean;
  /** Runs per figure; min / median / max are taken over them. */
  readonly runs: number;
  readonly only: ReadonlySet<ScenarioName>;
  /** BENCH_CPU_PROF: each server process writes a V8 CPU profile here. */
  readonly profileDir: string | undefined;
  /** BENCH_SERVER_LOGS: each server process's output is also written here. */
  readonly serverLogDir: string | undefined;
  readonly echo: {
    readonly connections: number;
    /** The MongoDB store at the concurrency the test server sustains, against bare ws at the same. */
    readonly mongoConnections: number;
    readonly warmupMs: number;
    readonly windowMs: number;
    /**
     * Fallback when @chatbox/config has no CHATBOX_WEBSOCKET_FRAMES_PER_MINUTE_PER_CONNECTION:
     * messages per connection and run under the fixed frame bucket (120 a minute, burst 120).
     */
    readonly perConnectionBudget: number;
    /** With that setting: chatbox's per-connection frames per minute (capped at its range). */
    readonly framesPerMinute: number;
  };
  readonly streaming: {
    readonly streams: readonly number[];
    readonly warmupMs: number;
    readonly windowMs: number;
    /** 50 tokens/s: one chunk every 20 ms. */
    readonly delayMs: number;
    /** The demo provider's default chunk (DEFAULT_DEMO_CHUNK_SIZE): one chunk is one token here. */
    readonly chunkSize: number;
  };
  readonly idle: {
    readonly connections: number;
    readonly requested: number;
    readonly fdLimit: number | undefined;
    readonly settleMs: number;
  };
  readonly storage: { readonly streams: number; readonly tokensPerStream: number };
  readonly soak: {
    readonly sessions: number;
    readonly limiterEvents: number;
    readonly liveSessions: number;
    readonly limiterKeys: number;
  };
}

/** File descriptors each process keeps for itself beside its sockets. */
const FD_RESERVE = 256;

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return value;
}

function directory(name: string): string | undefined {
  const raw = process.env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function onlyList(): ReadonlySet<ScenarioName> {
  const raw = process.env.BENCH_ONLY?.trim();
  if (raw === undefined || raw === '') return new Set(SCENARIOS);
  const names = raw.split(/[\s,]+/).filter((name) => name !== '');
  const unknown = names.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(
      `BENCH_ONLY: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`,
    );
  return new Set(names as ScenarioName[]);
}

/** The soft RLIMIT_NOFILE children inherit (Node has no API for it). */
function fdLimit(): number | undefined {
  try {
    const value = Number(execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

export function loadSettings(): Settings {
  const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
  const limit = fdLimit();
  const requested = positiveInt('BENCH_IDLE_CONNECTIONS', quick ? 1_000 : 10_000);
  const connections =
    limit === undefined ? requested : Math.max(1, Math.min(requested, limit - FD_RESERVE));
  return {
    quick,
    runs: positiveInt('BENCH_RUNS', quick ? 1 : 3),
    only: onlyList(),
    profileDir: directory('BENCH_CPU_PROF'),
    serverLogDir: directory('BENCH_SERVER_LOGS'),
    echo: {
      connections: positiveInt('BENCH_ECHO_CONNECTIONS', quick ? 128 : 256),
      mongoConnections: positiveInt('BENCH_ECHO_MONGO_CONNECTIONS', 16),
      warmupMs: quick ? 500 : 1_000,
      windowMs: positiveInt('BENCH_WINDOW_MS', quick ? 1_000 : 3_000),
      perConnectionBudget: 115,
      framesPerMinute: 1_000_000,
    },
    streaming: {
      streams: quick ? [50, 100] : [500, 1_000],
      warmupMs: quick ? 1_000 : 2_000,
      windowMs: positiveInt('BENCH_WINDOW_MS', quick ? 1_000 : 5_000),
      delayMs: 20,
      chunkSize: 12,
    },
    idle: { connections, requested, fdLimit: limit, settleMs: quick ? 500 : 1_000 },
    storage: { streams: quick ? 2 : 5, tokensPerStream: quick ? 50 : 300 },
    soak: {
      sessions: quick ? 10_000 : 100_000,
      limiterEvents: quick ? 100_000 : 1_000_000,
      liveSessions: 1_000,
      limiterKeys: 10_000,
    },
  };
}
