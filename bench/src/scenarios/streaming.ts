import { atMost, figure, type Figure, type ScenarioResult, type Target } from '../figures.js';
import { cannedReply, chunksOf } from '../server/paced-reply.js';
import { chatboxEnv, optionalSettings } from './chatbox-env.js';
import type { BenchContext, ServerHandle } from './context.js';
import { anomalies, measureWindow, saturation, type WindowResult } from './measure.js';

// 190 characters, under the 200 the demo model echoes back: every reply has the same length.
// ASCII, so the delta frames' offsets (UTF-16 units) and the provider's chunks (code points) agree.
const CONTENT =
  'Please summarise the trade-offs between write-behind persistence and one write per token for a ' +
  'streaming chat service, and say which one you would choose for a small team running one region.';
const STREAMS_FOR_TTFT_TARGET = 500;
const STREAMS_FOR_CPU_TARGET = 1_000;

interface Side {
  readonly key: string;
  /** Appended to figure names (chatbox variants). */
  readonly label: string;
  /** The targets are checked on this variant (the default configuration). */
  readonly targets: boolean;
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
  const when = (condition: boolean, target: Target): { target?: Target } =>
    chatbox.targets && condition ? { target } : {};
  const cpuTarget = when(
    streams === STREAMS_FOR_CPU_TARGET,
    atMost(8, '≤ 8 µs per token at 1,000 streams'),
  );
  const p50Target = when(
    streams === STREAMS_FOR_TTFT_TARGET,
    atMost(0.25, '≤ 0.25 ms p50 at 500 streams'),
  );
  const p99Target = when(
    streams === STREAMS_FOR_TTFT_TARGET,
    atMost(2, '≤ 2 ms p99 at 500 streams'),
  );
  const at = `${streams.toLocaleString('en-US')} streams, ${chatbox.label}`;
  return [
    figure({
      name: `server CPU per token, ${at}`,
      unit: 'µs',
      ...both((r) => r.serverCpuUs / r.counters.tokens),
      digits: 2,
      ...cpuTarget,
    }),
    figure({
      name: `tokens delivered per second, ${at}`,
      unit: 'tokens/s',
      ...both((r) => perSecond(r.counters.tokens, r)),
      digits: 0,
    }),
    figure({
      name: `delta frames per second, ${at}`,
      unit: 'frames/s',
      ...both((r) => perSecond(r.counters.deltas, r)),
      digits: 0,
    }),
    figure({
      name: `delta frames per token, ${at}`,
      unit: 'frames',
      ...both((r) => r.counters.deltas / r.counters.tokens),
      digits: 3,
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
      ...p50Target,
    }),
    figure({
      name: `first token added by chatbox p99, ${at}`,
      unit: 'ms',
      runs: added(chatbox, bare, streams, (r) => r.counters.firstToken.p99),
      digits: 3,
      ...p99Target,
    }),
  ];
}

/** The router's default window, from @chatbox/config's default when it has the setting. */
async function defaultWindowMs(configDefault: string | undefined): Promise<number | undefined> {
  const fromConfig = /^\s*(\d+)\s*(?:ms)?\s*$/.exec(configDefault ?? '');
  if (fromConfig?.[1] !== undefined) return Number(fromConfig[1]);
  try {
    return (await import('@chatbox/router')).DEFAULT_COALESCE_MS;
  } catch {
    return undefined;
  }
}

interface Variant {
  readonly key: string;
  readonly label: string;
  readonly targets: boolean;
  readonly extra: Record<string, string>;
}

/** chatbox's default coalescing, and coalescing off when the window can be set. */
async function variants(notes: string[]): Promise<Variant[]> {
  const setting = (await optionalSettings()).deltaCoalesce;
  const windowMs = await defaultWindowMs(setting?.default);
  const window = windowMs === undefined ? 'default window' : `${windowMs} ms`;
  const coalesced: Variant = {
    key: 'coalesced',
    label: `coalescing ${window}`,
    targets: true,
    extra: {},
  };
  if (setting === undefined) {
    notes.push(
      `frame coalescing: the router merges the chunks after a reply's first into one delta frame per window; this build of @chatbox/config cannot set the window (no CHATBOX_WEBSOCKET_DELTA_COALESCE_MS), so only the default (${window}) is measured`,
    );
    return [coalesced];
  }
  notes.push(
    `frame coalescing: the router sends a reply's first chunk at once and merges later ones into one delta frame per window; measured with the default (${window}) and with ${setting.env}=0 (off, one frame per chunk), side by side; the targets are checked on the default`,
  );
  return [
    coalesced,
    { key: 'uncoalesced', label: 'coalescing off', targets: false, extra: { [setting.env]: '0' } },
  ];
}

/**
 * Scenario 2: N connections each streaming one reply after another from a model pacing 50
 * tokens/s: chatbox with its demo provider (with its default delta coalescing, and without it
 * when the window is configurable), against a bare ws server pacing the same chunks itself.
 */
export async function runStreaming(ctx: BenchContext): Promise<ScenarioResult> {
  const { streaming, runs } = ctx.settings;
  const paced = { delayMs: streaming.delayMs, chunkSize: streaming.chunkSize };
  const reply = cannedReply(CONTENT);
  const chunks = chunksOf(reply, streaming.chunkSize).length;
  const streamMs = chunks * streaming.delayMs;
  const notes = [
    `each reply: ${chunks} chunks of ${streaming.chunkSize} characters, one every ${streaming.delayMs} ms (${1_000 / streaming.delayMs} tokens/s); a token is one provider chunk, counted when the delta frame holding its last character arrives (from the frames' offsets), whatever the frames merge`,
    'provider: chatbox\'s demo model (CHATBOX_LLM_DEMO_DELAY_MS); baseline: bare ws pacing the same chunks with its own timers, one frame per chunk, so "added" = chatbox − bare, run by run',
  ];
  const chatboxVariants = await variants(notes);
  notes.push(
    `${streaming.warmupMs} ms warm-up + ${streaming.windowMs} ms window, first sends spread over one reply (${streamMs} ms), ${runs} run(s) alternating`,
  );
  const bare: Side = {
    key: 'bare',
    label: 'bare ws',
    targets: false,
    server: await ctx.startServer('bare ws paced', { kind: 'bare', paced }),
    runs: new Map(),
  };
  const sides: Side[] = [bare];
  for (const variant of chatboxVariants) {
    sides.push({
      key: variant.key,
      label: variant.label,
      targets: variant.targets,
      server: await ctx.startServer(`chatbox (streaming, ${variant.label})`, {
        kind: 'chatbox',
        env: chatboxEnv({
          secret: ctx.secret,
          demoDelayMs: streaming.delayMs,
          extra: variant.extra,
        }),
      }),
      runs: new Map(),
    });
  }
  const client = await ctx.startClient();
  try {
    for (const streams of streaming.streams) {
      for (let round = 0; round < runs; round += 1) {
        for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
          const result = await measureWindow(ctx, client, side.server, {
            connections: streams,
            subjectPrefix: `stream-${side.key}-${streams}-${round}-`,
            load: {
              mode: 'stream',
              content: CONTENT,
              perConnectionBudget: 0,
              staggerMs: streamMs,
              reply: { chars: reply.length, chunkSize: streaming.chunkSize },
            },
            warmupMs: streaming.warmupMs,
            windowMs: streaming.windowMs,
            drainMs: streamMs * 4,
          });
          side.runs.set(streams, [...(side.runs.get(streams) ?? []), result]);
          notes.push(...anomalies(`${side.label}, ${streams} streams, run ${round + 1}`, result));
        }
      }
    }
  } finally {
    await ctx.release(client);
    await Promise.all(sides.map((side) => ctx.release(side.server)));
  }
  for (const streams of streaming.streams) {
    for (const side of sides)
      notes.push(...saturation(`${side.label}, ${streams} streams`, side.runs.get(streams) ?? []));
  }
  // Per stream count, each figure of the variants next to each other (default, then off).
  const chatboxSides = sides.filter((side) => side !== bare);
  const figures = streaming.streams.flatMap((streams) => {
    const perSide = chatboxSides.map((side) => figuresFor(streams, side, bare));
    return (perSide[0] ?? []).flatMap((_, index) =>
      perSide.flatMap((list) => (list[index] === undefined ? [] : [list[index]])),
    );
  });
  return { name: 'streaming: concurrent replies at 50 tokens/s', figures, notes };
}
