import { atMost, figure, type Figure, type ScenarioResult, type Target } from '../figures.js';
import { cannedReply, chunksOf } from '../server/paced-reply.js';
import { chatboxEnv } from './chatbox-env.js';
import type { BenchContext, ServerHandle } from './context.js';
import { anomalies, measureWindow, saturation, type WindowResult } from './measure.js';

// 190 characters, under the 200 the demo model echoes back: every reply has the same length.
const CONTENT =
  'Please summarise the trade-offs between write-behind persistence and one write per token for a ' +
  'streaming chat service, and say which one you would choose for a small team running one region.';
const STREAMS_FOR_TTFT_TARGET = 500;
const STREAMS_FOR_CPU_TARGET = 1_000;

interface Side {
  readonly key: 'bare' | 'chatbox';
  readonly server: ServerHandle;
  readonly runs: Map<number, WindowResult[]>;
}

const perSecond = (count: number, run: WindowResult): number =>
  count / (run.counters.elapsedMs / 1_000);

function values(side: Side, streams: number, pick: (run: WindowResult) => number): number[] {
  return (side.runs.get(streams) ?? []).map(pick);
}

/** chatbox minus bare, run by run (the two ran next to each other). */
function added(
  chatbox: Side,
  bare: Side,
  streams: number,
  pick: (run: WindowResult) => number,
): number[] {
  const own = values(chatbox, streams, pick);
  const base = values(bare, streams, pick);
  return own.map((value, index) => value - (base[index] ?? Number.NaN));
}

function figuresFor(streams: number, chatbox: Side, bare: Side): Figure[] {
  const both = (pick: (run: WindowResult) => number): { runs: number[]; baseline: number[] } => ({
    runs: values(chatbox, streams, pick),
    baseline: values(bare, streams, pick),
  });
  const cpuTarget: Target | undefined =
    streams === STREAMS_FOR_CPU_TARGET ? atMost(8, '≤ 8 µs per token at 1,000 streams') : undefined;
  const p50Target =
    streams === STREAMS_FOR_TTFT_TARGET ? atMost(0.25, '≤ 0.25 ms p50 at 500 streams') : undefined;
  const p99Target =
    streams === STREAMS_FOR_TTFT_TARGET ? atMost(2, '≤ 2 ms p99 at 500 streams') : undefined;
  const at = `${streams.toLocaleString('en-US')} streams`;
  return [
    figure({
      name: `server CPU per token, ${at}`,
      unit: 'µs',
      ...both((r) => r.serverCpuUs / r.counters.deltas),
      digits: 2,
      ...(cpuTarget ? { target: cpuTarget } : {}),
    }),
    figure({
      name: `frames out per second, ${at}`,
      unit: 'frames/s',
      ...both((r) => perSecond(r.counters.framesIn, r)),
      digits: 0,
    }),
    figure({
      name: `tokens delivered per second, ${at}`,
      unit: 'tokens/s',
      ...both((r) => perSecond(r.counters.deltas, r)),
      digits: 0,
    }),
    figure({
      name: `time to first token p50, ${at}`,
      unit: 'ms',
      ...both((r) => r.counters.firstToken.p50),
      digits: 3,
    }),
    figure({
      name: `time to first token p99, ${at}`,
      unit: 'ms',
      ...both((r) => r.counters.firstToken.p99),
      digits: 3,
    }),
    figure({
      name: `first token added by chatbox p50, ${at}`,
      unit: 'ms',
      runs: added(chatbox, bare, streams, (r) => r.counters.firstToken.p50),
      digits: 3,
      ...(p50Target ? { target: p50Target } : {}),
    }),
    figure({
      name: `first token added by chatbox p99, ${at}`,
      unit: 'ms',
      runs: added(chatbox, bare, streams, (r) => r.counters.firstToken.p99),
      digits: 3,
      ...(p99Target ? { target: p99Target } : {}),
    }),
  ];
}

/**
 * Scenario 2: N connections each streaming one reply after another from a model pacing 50
 * tokens/s: chatbox with its demo provider, against a bare ws server pacing the same chunks itself.
 */
export async function runStreaming(ctx: BenchContext): Promise<ScenarioResult> {
  const { streaming, runs } = ctx.settings;
  const paced = { delayMs: streaming.delayMs, chunkSize: streaming.chunkSize };
  const chunks = chunksOf(cannedReply(CONTENT), streaming.chunkSize).length;
  const streamMs = chunks * streaming.delayMs;
  const notes = [
    `each reply: ${chunks} chunks of ${streaming.chunkSize} characters, one every ${streaming.delayMs} ms (${1_000 / streaming.delayMs} tokens/s; a token here is one provider chunk, one delta frame)`,
    'provider: chatbox\'s demo model (CHATBOX_LLM_DEMO_DELAY_MS); baseline: bare ws pacing the same chunks with its own timers, so "added" = chatbox − bare, run by run',
    'frame coalescing: the router has no coalescing option (MessageRouterOptions), so every chunk is its own delta frame; figures are without coalescing',
    `${streaming.warmupMs} ms warm-up + ${streaming.windowMs} ms window, first sends spread over one reply (${streamMs} ms), ${runs} run(s) alternating`,
  ];
  const bare: Side = {
    key: 'bare',
    server: await ctx.startServer('bare ws paced', { kind: 'bare', paced }),
    runs: new Map(),
  };
  const chatbox: Side = {
    key: 'chatbox',
    server: await ctx.startServer('chatbox (streaming)', {
      kind: 'chatbox',
      env: chatboxEnv({ secret: ctx.secret, demoDelayMs: streaming.delayMs }),
    }),
    runs: new Map(),
  };
  const client = await ctx.startClient();
  try {
    for (const streams of streaming.streams) {
      for (let round = 0; round < runs; round += 1) {
        for (const side of round % 2 === 0 ? [bare, chatbox] : [chatbox, bare]) {
          const result = await measureWindow(ctx, client, side.server, {
            connections: streams,
            subjectPrefix: `stream-${side.key}-${streams}-${round}-`,
            load: { mode: 'stream', content: CONTENT, perConnectionBudget: 0, staggerMs: streamMs },
            warmupMs: streaming.warmupMs,
            windowMs: streaming.windowMs,
            drainMs: streamMs * 4,
          });
          side.runs.set(streams, [...(side.runs.get(streams) ?? []), result]);
          notes.push(...anomalies(`${side.key}, ${streams} streams, run ${round + 1}`, result));
        }
      }
    }
  } finally {
    await ctx.release(client);
    await Promise.all([ctx.release(bare.server), ctx.release(chatbox.server)]);
  }
  for (const streams of streaming.streams) {
    for (const side of [bare, chatbox])
      notes.push(...saturation(`${side.key}, ${streams} streams`, side.runs.get(streams) ?? []));
  }
  const figures = streaming.streams.flatMap((streams) => figuresFor(streams, chatbox, bare));
  return { name: 'streaming: concurrent replies at 50 tokens/s', figures, notes };
}
