import { uniqueDbName } from '@chatbox/testkit';
import { atLeast, figure, type Figure, type ScenarioResult, type Target } from '../figures.js';
import { chatboxEnv, optionalSettings } from './chatbox-env.js';
import type { BenchContext, ServerHandle } from './context.js';
import { anomalies, measureWindow, saturation, type WindowResult } from './measure.js';

/** 3 tokens × 4 characters: the demo reply is cut to one 12-character delta. */
const ONE_DELTA_MAX_TOKENS = 3;
const CONTENT = 'hello from the load generator';
const DRAIN_MS = 2_000;

/** One server at one concurrency; `baseline` is the bare ws measurement at the same concurrency. */
interface Measurement {
  readonly key: string;
  readonly label: string;
  readonly server: ServerHandle;
  readonly connections: number;
  readonly chatbox: boolean;
  /** Messages per connection and run; 0: no cap. */
  readonly budget: number;
  readonly baseline?: Measurement;
  readonly target?: Target;
  readonly runs: WindowResult[];
}

/**
 * chatbox's per-connection frame bucket: raised out of the way when @chatbox/config has the
 * setting (no cap on the load), else the fixed 120 a minute, and each connection stops at
 * `perConnectionBudget` messages per run.
 */
async function frameLimit(
  ctx: BenchContext,
): Promise<{ extra: Record<string, string>; budget: number; note: string }> {
  const { perConnectionBudget, framesPerMinute } = ctx.settings.echo;
  const setting = (await optionalSettings()).framesPerMinute;
  if (setting === undefined)
    return {
      extra: {},
      budget: perConnectionBudget,
      note: `chatbox's per-connection frame bucket (120/min; this build of @chatbox/config has no CHATBOX_WEBSOCKET_FRAMES_PER_MINUTE_PER_CONNECTION) caps each connection at ${perConnectionBudget} messages per run`,
    };
  const value = Math.min(framesPerMinute, setting.max ?? framesPerMinute);
  return {
    extra: { [setting.env]: String(value) },
    budget: 0,
    note: `chatbox's per-connection frame limit raised to ${value.toLocaleString('en-US')}/min (${setting.env}), so no connection is rate-capped and the load has no per-connection budget`,
  };
}

async function plan(ctx: BenchContext, notes: string[]): Promise<Measurement[]> {
  const { connections, mongoConnections } = ctx.settings.echo;
  const limit = await frameLimit(ctx);
  notes.push(limit.note);
  const bareServer = await ctx.startServer('bare ws echo', { kind: 'bare' });
  const fastify = await ctx.startServer('fastify echo', { kind: 'fastify' });
  const base = {
    secret: ctx.secret,
    demoDelayMs: 0,
    maxTokens: ONE_DELTA_MAX_TOKENS,
    extra: limit.extra,
  };
  const memory = await ctx.startServer('chatbox (memory)', {
    kind: 'chatbox',
    env: chatboxEnv(base),
  });
  const bare: Measurement = {
    key: 'bare',
    label: 'bare ws',
    server: bareServer,
    connections,
    chatbox: false,
    budget: 0,
    runs: [],
  };
  const plans: Measurement[] = [
    bare,
    {
      key: 'fastify',
      label: 'fastify + @fastify/websocket',
      server: fastify,
      connections,
      chatbox: false,
      budget: 0,
      baseline: bare,
      runs: [],
    },
    {
      key: 'memory',
      label: 'chatbox, in-memory store',
      server: memory,
      connections,
      chatbox: true,
      budget: limit.budget,
      baseline: bare,
      target: atLeast(0.8, '≥ 0.8× bare ws throughput'),
      runs: [],
    },
  ];
  try {
    const mongo = await ctx.mongo();
    const env = chatboxEnv({
      ...base,
      mongo: { uri: mongo.uri, database: uniqueDbName('bench-echo') },
    });
    const server = await ctx.startServer('chatbox (mongodb)', { kind: 'chatbox', env });
    const bareAtMongo: Measurement = {
      key: 'bare-low',
      label: `bare ws, ${mongoConnections} connections`,
      server: bareServer,
      connections: mongoConnections,
      chatbox: false,
      budget: 0,
      runs: [],
    };
    plans.push(bareAtMongo, {
      key: 'mongodb',
      label: `chatbox, MongoDB store (${mongo.kind}), ${mongoConnections} connections`,
      server,
      connections: mongoConnections,
      chatbox: true,
      budget: limit.budget,
      baseline: bareAtMongo,
      target: atLeast(0.6, '≥ 0.6× bare ws throughput'),
      runs: [],
    });
    notes.push(
      `MongoDB store: ${mongoConnections} connections, against bare ws at ${mongoConnections}: at hundreds the ${mongo.kind} server falls behind, driver wait-queue and socket timeouts set off storage retries and throughput collapses (BENCH_ECHO_MONGO_CONNECTIONS to see it)`,
    );
  } catch (error) {
    notes.push(`MongoDB variant not run: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  return plans;
}

const throughput = (run: WindowResult): number =>
  run.counters.roundTrips / (run.counters.elapsedMs / 1_000);
const cpuPerMessage = (run: WindowResult): number => run.serverCpuUs / run.counters.roundTrips;

function figuresOf(measurement: Measurement): Figure[] {
  const base = measurement.baseline;
  if (base === undefined) return [];
  const both = (pick: (run: WindowResult) => number): { runs: number[]; baseline: number[] } => ({
    runs: measurement.runs.map(pick),
    baseline: base.runs.map(pick),
  });
  const label = measurement.label;
  return [
    figure({
      name: `throughput, ${label}`,
      unit: 'msg/s',
      ...both(throughput),
      digits: 0,
      targetOn: 'ratio',
      ...(measurement.target === undefined ? {} : { target: measurement.target }),
    }),
    figure({
      name: `round trip p50, ${label}`,
      unit: 'ms',
      ...both((r) => r.counters.latency.p50),
      digits: 3,
    }),
    figure({
      name: `round trip p99, ${label}`,
      unit: 'ms',
      ...both((r) => r.counters.latency.p99),
      digits: 3,
    }),
    figure({
      name: `server CPU per message, ${label}`,
      unit: 'µs',
      ...both(cpuPerMessage),
      digits: 1,
    }),
    ...(measurement.chatbox
      ? [
          figure({
            name: `server log lines per message, ${label}`,
            unit: 'lines',
            runs: measurement.runs.map((r) => r.serverLogLines / r.counters.roundTrips),
            digits: 3,
          }),
        ]
      : []),
  ];
}

/**
 * Scenario 1: closed-loop round trips (send → done; the bare servers echo the frame) over N
 * connections, measurements alternated run by run, each server in its own process.
 */
export async function runEcho(ctx: BenchContext): Promise<ScenarioResult> {
  const { echo, runs } = ctx.settings;
  const notes: string[] = [
    `${echo.connections} connections, one message in flight each, ${echo.warmupMs} ms warm-up + ${echo.windowMs} ms window, ${runs} run(s) alternating the variants`,
    `chatbox: demo model answering one 12-character delta with no delay (max_tokens ${ONE_DELTA_MAX_TOKENS}); frames out per round trip: ack, delta, done; log level info`,
  ];
  const plans = await plan(ctx, notes);
  const client = await ctx.startClient();
  try {
    for (let round = 0; round < runs; round += 1) {
      for (const measurement of round % 2 === 0 ? plans : [...plans].reverse()) {
        const result = await measureWindow(ctx, client, measurement.server, {
          connections: measurement.connections,
          subjectPrefix: `echo-${measurement.key}-${round}-`,
          load: {
            mode: 'echo',
            content: CONTENT,
            perConnectionBudget: measurement.budget,
            staggerMs: 0,
          },
          warmupMs: echo.warmupMs,
          windowMs: echo.windowMs,
          drainMs: DRAIN_MS,
        });
        measurement.runs.push(result);
        notes.push(...anomalies(`${measurement.label}, run ${round + 1}`, result));
      }
    }
  } finally {
    await ctx.release(client);
    await Promise.all(
      [...new Set(plans.map((measurement) => measurement.server))].map((server) =>
        ctx.release(server),
      ),
    );
  }
  for (const measurement of plans) notes.push(...saturation(measurement.label, measurement.runs));
  return { name: 'echo ratio: full stack vs bare ws', figures: plans.flatMap(figuresOf), notes };
}
