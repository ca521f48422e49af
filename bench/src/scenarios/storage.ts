import { randomUUID } from 'node:crypto';
import { uniqueDbName } from '@chatbox/testkit';
import { figure, type ScenarioResult } from '../figures.js';
import type { SessionStore } from '@chatbox/storage';
import type * as StorageModule from '@chatbox/storage';

import { sleep, type BenchContext } from './context.js';

/** One demo chunk's worth of text. */
const TOKEN = 'lorem ipsum ';
/** Tokens reach the writer in bursts, with timers and flushes running in between (as from a socket). */
const BURST_TOKENS = 20;

interface StorageRun {
  readonly tokensPerSecond: number;
  readonly writesPerThousandTokens: number;
}

async function startReply(store: SessionStore): Promise<{ sessionId: string; seq: number }> {
  const sessionId = randomUUID();
  const at = new Date();
  await store.appendMessage({
    sessionId,
    seq: 1,
    role: 'assistant',
    content: '',
    status: 'streaming',
    createdAt: at,
    updatedAt: at,
  });
  return { sessionId, seq: 1 };
}

/** The naive design: every token is an awaited write of the text so far. */
async function oneWritePerToken(store: SessionStore, tokens: number): Promise<number> {
  const { sessionId, seq } = await startReply(store);
  let text = '';
  for (let i = 0; i < tokens; i += 1) {
    text += TOKEN;
    await store.updateMessage(sessionId, seq, { content: text });
  }
  await store.updateMessage(sessionId, seq, { content: text, status: 'complete' });
  return tokens + 2;
}

/** chatbox's design: storage's createStreamWriter with the server's default flush interval. */
async function writeBehind(
  storage: typeof StorageModule,
  store: SessionStore,
  tokens: number,
): Promise<number> {
  const { sessionId, seq } = await startReply(store);
  const writer = storage.createStreamWriter({
    store,
    sessionId,
    seq,
    flushIntervalMs: storage.DEFAULT_FLUSH_INTERVAL_MS,
  });
  for (let i = 1; i <= tokens; i += 1) {
    writer.append(TOKEN);
    if (i % BURST_TOKENS === 0) await sleep(1);
  }
  await writer.finish({ status: 'complete' });
  return writer.flushes + 2;
}

async function timed(
  streams: number,
  tokens: number,
  stream: () => Promise<number>,
): Promise<StorageRun> {
  const started = performance.now();
  const writes = await Promise.all(Array.from({ length: streams }, stream));
  const seconds = (performance.now() - started) / 1_000;
  const total = streams * tokens;
  return {
    tokensPerSecond: total / seconds,
    writesPerThousandTokens: (writes.reduce((a, b) => a + b, 0) * 1_000) / total,
  };
}

/**
 * Scenario 4: streamed reply text persisted one write per token against the write-behind stream
 * writer, several replies at once, on the same MongoDB-compatible server in the same run.
 */
export async function runStorage(ctx: BenchContext): Promise<ScenarioResult> {
  const { storage: settings, runs } = ctx.settings;
  const mongo = await ctx.mongo();
  const storage = await import('@chatbox/storage');
  const store = await storage.createMongoStore({
    uri: mongo.uri,
    database: uniqueDbName('bench-storage'),
  });
  const naive: StorageRun[] = [];
  const buffered: StorageRun[] = [];
  try {
    for (let round = 0; round < runs; round += 1) {
      const perToken = (): Promise<void> =>
        timed(settings.streams, settings.tokensPerStream, () =>
          oneWritePerToken(store, settings.tokensPerStream),
        ).then((run) => void naive.push(run));
      const behind = (): Promise<void> =>
        timed(settings.streams, settings.tokensPerStream, () =>
          writeBehind(storage, store, settings.tokensPerStream),
        ).then((run) => void buffered.push(run));
      for (const mode of round % 2 === 0 ? [perToken, behind] : [behind, perToken]) await mode();
    }
  } finally {
    await store.close();
  }
  return {
    name: 'storage: write-behind vs one write per token',
    figures: [
      figure({
        name: 'tokens persisted per second, write-behind (baseline: one write per token)',
        unit: 'tokens/s',
        runs: buffered.map((r) => r.tokensPerSecond),
        baseline: naive.map((r) => r.tokensPerSecond),
        digits: 0,
      }),
      figure({
        name: 'store writes per 1,000 tokens, write-behind (baseline: one write per token)',
        unit: 'writes',
        runs: buffered.map((r) => r.writesPerThousandTokens),
        baseline: naive.map((r) => r.writesPerThousandTokens),
        digits: 1,
      }),
    ],
    notes: [
      `${settings.streams} replies at once × ${settings.tokensPerStream} tokens of ${TOKEN.length} characters, on ${mongo.kind} (the test kit's startMongo()); ${runs} run(s) alternating`,
      `write-behind: createStreamWriter with the default ${storage.DEFAULT_FLUSH_INTERVAL_MS} ms flush interval; tokens arrive in bursts of ${BURST_TOKENS} with a 1 ms pause, which bounds its rate`,
      "this is the streamed text's batching; a turn's two inserts (user message and reply placeholder) are batched by the store's appendMessages, which the echo scenario's MongoDB variant goes through",
    ],
  };
}
