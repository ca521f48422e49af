import { atMost, figure, type Figure, type ScenarioResult, type Target } from '../figures.js';
import type { ServerSpec } from '../server/protocol.js';
import { chatboxEnv } from './chatbox-env.js';
import { sleep, type BenchContext } from './context.js';
import { openLoad } from './measure.js';

const KIB = 1_024;

interface IdleRun {
  readonly connections: number;
  readonly rssPerConnection: number;
  readonly heapPerConnection: number;
  readonly upgradesPerSecond: number;
}

interface Variant {
  readonly key: 'bare' | 'fastify' | 'fastify-released' | 'chatbox';
  readonly label: string;
  readonly spec: ServerSpec;
  readonly runs: IdleRun[];
}

async function measure(
  ctx: BenchContext,
  variant: Variant,
  round: number,
  notes: string[],
): Promise<IdleRun> {
  const { idle } = ctx.settings;
  // A fresh process per run: memory left by an earlier run's sockets would blur the difference.
  const server = await ctx.startServer(`${variant.label} (idle)`, variant.spec);
  const client = await ctx.startClient();
  try {
    const before = await server.request('gc', undefined);
    const open = await openLoad(
      ctx,
      client,
      server,
      idle.connections,
      `idle-${variant.key}-${round}-`,
    );
    if (open.failed > 0)
      notes.push(
        `${variant.label}, run ${round + 1}: ${open.failed} connections refused (${open.failures.join('; ')})`,
      );
    await sleep(idle.settleMs);
    const connections = await server.request('connections', undefined);
    if (connections !== open.opened)
      notes.push(
        `${variant.label}, run ${round + 1}: server holds ${connections} of ${open.opened} connections`,
      );
    const after = await server.request('gc', undefined);
    return {
      connections,
      rssPerConnection: (after.rssBytes - before.rssBytes) / connections / KIB,
      heapPerConnection: (after.heapUsedBytes - before.heapUsedBytes) / connections / KIB,
      upgradesPerSecond: open.opened / (open.elapsedMs / 1_000),
    };
  } finally {
    await ctx.release(client);
    await ctx.release(server);
  }
}

function figuresOf(variant: Variant, bare: Variant, rssTarget?: Target): Figure[] {
  const pick = (source: Variant, key: keyof IdleRun): number[] =>
    source.runs.map((run) => run[key]);
  return [
    figure({
      name: `RSS per idle connection, ${variant.label}`,
      unit: 'KiB',
      runs: pick(variant, 'rssPerConnection'),
      baseline: pick(bare, 'rssPerConnection'),
      ...(rssTarget === undefined ? {} : { target: rssTarget }),
    }),
    figure({
      name: `heap per idle connection, ${variant.label}`,
      unit: 'KiB',
      runs: pick(variant, 'heapPerConnection'),
      baseline: pick(bare, 'heapPerConnection'),
    }),
    figure({
      name: `upgrades per second, ${variant.label}`,
      unit: 'conn/s',
      runs: pick(variant, 'upgradesPerSecond'),
      baseline: pick(bare, 'upgradesPerSecond'),
      digits: 0,
    }),
  ];
}

/**
 * Scenario 3: N authenticated connections that send nothing; the server's RSS and heap after full
 * collections, before and after, divided by N. Each connection is its own user.
 */
export async function runIdle(ctx: BenchContext): Promise<ScenarioResult> {
  const { idle, runs } = ctx.settings;
  const notes = [
    `${idle.connections.toLocaleString('en-US')} connections per run, each its own user, measured ${idle.settleMs} ms after the last upgrade; a fresh server process per run; ${runs} run(s) alternating`,
  ];
  if (idle.connections < idle.requested) {
    notes.push(
      `lowered from ${idle.requested.toLocaleString('en-US')}: ulimit -n is ${String(idle.fdLimit)} and each process keeps a reserve of descriptors (raise it with ulimit -n to measure the full count)`,
    );
  }
  const variants: Variant[] = [
    { key: 'bare', label: 'bare ws', spec: { kind: 'bare' }, runs: [] },
    { key: 'fastify', label: 'fastify + @fastify/websocket', spec: { kind: 'fastify' }, runs: [] },
    {
      key: 'fastify-released',
      label: 'fastify + @fastify/websocket, upgrade request released',
      spec: { kind: 'fastify', releaseRequest: true },
      runs: [],
    },
    {
      key: 'chatbox',
      label: 'chatbox',
      spec: { kind: 'chatbox', env: chatboxEnv({ secret: ctx.secret, demoDelayMs: 0 }) },
      runs: [],
    },
  ];
  for (let round = 0; round < runs; round += 1) {
    for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
      variant.runs.push(await measure(ctx, variant, round, notes));
    }
  }
  const [bare, fastify, released, chatbox] = variants;
  if (
    bare === undefined ||
    fastify === undefined ||
    released === undefined ||
    chatbox === undefined
  )
    throw new Error('variants missing');
  notes.push(
    '"upgrade request released": the ServerResponse @fastify/websocket assigns to the socket is detached and its per-socket error listener (a closure over request and reply) replaced; the difference to plain fastify is what keeping them costs',
  );
  return {
    name: 'idle connections: memory per connection',
    figures: [
      ...figuresOf(chatbox, bare, atMost(8, '≤ 8 KiB (stretch ≤ 6.5 KiB)')),
      ...figuresOf(fastify, bare),
      ...figuresOf(released, bare),
    ],
    notes,
  };
}
