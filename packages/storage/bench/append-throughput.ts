// Benchmark (not a test) for issue 4: persisting a streamed reply one write per token, as a naive
// design would, against the write-behind stream writer, side by side on the same server.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startMongo, uniqueDbName } from '@chatbox/testkit';
import type { MeteredSessionStore } from '../src/index.js';
import { createMongoStore, createStreamWriter } from '../src/index.js';

const TOKENS = 1_000;
const TOKEN = 'word ';
const ROUNDS = 3;

interface Result {
  readonly mode: string;
  readonly tokensPerSecond: number;
  readonly storeWrites: number;
  readonly elapsedMs: number;
}

async function startReply(store: MeteredSessionStore): Promise<{ sessionId: string; seq: number }> {
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

async function perToken(store: MeteredSessionStore): Promise<Result> {
  const { sessionId, seq } = await startReply(store);
  const started = performance.now();
  let text = '';
  for (let i = 0; i < TOKENS; i += 1) {
    text += TOKEN;
    await store.updateMessage(sessionId, seq, { content: text });
  }
  await store.updateMessage(sessionId, seq, { content: text, status: 'complete' });
  const elapsedMs = performance.now() - started;
  return {
    mode: 'one write per token',
    tokensPerSecond: (TOKENS * 1_000) / elapsedMs,
    storeWrites: TOKENS + 1,
    elapsedMs,
  };
}

async function writeBehind(store: MeteredSessionStore): Promise<Result> {
  const { sessionId, seq } = await startReply(store);
  const writer = createStreamWriter({
    store,
    sessionId,
    seq,
    flushIntervalMs: 200,
    flushChars: 2_000,
  });
  const started = performance.now();
  for (let i = 0; i < TOKENS; i += 1) {
    writer.append(TOKEN);
    // Tokens arrive from a socket in bursts: timers and flushes run in between.
    if (i % 20 === 0) await delay(1);
  }
  await writer.finish({ status: 'complete' });
  const elapsedMs = performance.now() - started;
  return {
    mode: 'write-behind',
    tokensPerSecond: (TOKENS * 1_000) / elapsedMs,
    storeWrites: writer.flushes + 1,
    elapsedMs,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const mongo = await startMongo();
  const store = await createMongoStore({
    uri: `mongodb://${mongo.host}:${mongo.port}/?directConnection=true`,
    database: uniqueDbName('bench'),
  });
  try {
    const naive: Result[] = [];
    const buffered: Result[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      naive.push(await perToken(store));
      buffered.push(await writeBehind(store));
    }
    const summary = {
      server: mongo.kind,
      tokens: TOKENS,
      rounds: ROUNDS,
      perTokenTokensPerSecond: Math.round(median(naive.map((r) => r.tokensPerSecond))),
      writeBehindTokensPerSecond: Math.round(median(buffered.map((r) => r.tokensPerSecond))),
      perTokenStoreWrites: median(naive.map((r) => r.storeWrites)),
      writeBehindStoreWrites: median(buffered.map((r) => r.storeWrites)),
      ratio: 0,
    };
    summary.ratio =
      Math.round((summary.writeBehindTokensPerSecond / summary.perTokenTokensPerSecond) * 10) / 10;
    const dir = join(process.cwd(), 'reports', 'bench');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'append-throughput.json'), `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    // The test kit unrefs its server process; outside Jest nothing else would keep the loop alive
    // while close() waits for the process to exit (Node ends with code 13 on the pending await).
    const keepAlive = setInterval(() => undefined, 1_000);
    try {
      await store.close();
      await mongo.close();
    } finally {
      clearInterval(keepAlive);
    }
  }
}

await main();
