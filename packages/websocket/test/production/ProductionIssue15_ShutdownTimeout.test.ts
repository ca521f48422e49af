import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { recordFigure, TestkitError, type WsTestClient } from '@chatbox/testkit';
import { nextOfType, receivedOfType } from '../support/frames.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startStack, type Stack } from '../support/stack.js';

const DEADLINE_MS = 1_000;
const DRAIN_MS = 400;
/** Scheduling slack on a shared 2-core machine; the budget itself is the deadline. */
const MARGIN_MS = 250;
const STREAMS = 3;

async function startStream(client: WsTestClient): Promise<string> {
  client.send({ type: 'send', clientMessageId: randomUUID(), content: 'write me a long story' });
  const ack = await nextOfType(client, 'ack');
  await nextOfType(client, 'delta');
  return ack.sessionId;
}

describe('finding 15: shutdown honours its deadline with active connections and streams', () => {
  let harness: Harness | undefined;
  let stack: Stack | undefined;
  afterEach(async () => {
    await harness?.close();
    await stack?.close();
  });

  const start = async () => {
    // ~340 chunks at 50 ms: every reply is still streaming when the deadline comes.
    stack = startStack({
      demo: { delayMs: 50, chunkSize: 12, reply: () => 'once upon a time '.repeat(1_000) },
    });
    harness = await startHarness({
      router: stack.router,
      closeGraceMs: 30_000,
      maxConnectionsPerUser: 10,
    });
  };

  it('ProductionIssue15_ShutdownTimeout', async () => {
    await start();
    const streaming = await Promise.all(
      Array.from({ length: STREAMS }, (_v, i) => harness!.connect({ sub: `reader-${i}` })),
    );
    const sessions = await Promise.all(streaming.map(startStream));
    const idle = await harness!.connect({ sub: 'idle' });
    const unresponsive = await harness!.connect({ sub: 'unresponsive' });
    unresponsive.pause();

    const started = Date.now();
    const shutdown = harness!.gateway.shutdown({ drainMs: DRAIN_MS, deadlineMs: DEADLINE_MS });
    // While draining: no new upgrade, and a new `send` is refused as retryable.
    const refused = await harness!.connect({ sub: 'late' }).then(
      () => 0,
      (error: unknown) => (error instanceof TestkitError ? (error.statusCode ?? -1) : -1),
    );
    expect(refused).toBe(503);
    idle.send({ type: 'send', clientMessageId: randomUUID(), content: 'one more?' });
    const draining = await nextOfType(idle, 'error');
    expect(draining).toMatchObject({ code: 'server_draining', retryable: true });

    await shutdown;
    const elapsed = Date.now() - started;
    recordFigure('15', 'shutdown time with a 1 s deadline', elapsed, 'ms');
    expect(elapsed).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    expect(harness!.gateway.stats()).toEqual({ connections: 0, users: 0 });
    expect(stack!.router.stats().generations).toBe(0);

    // Every client that answers the close handshake got 1001 with a reason, after its `done`.
    for (const client of [...streaming, idle])
      expect(await client.closed).toEqual({ code: 1001, reason: 'server_shutdown' });
    for (const client of streaming)
      expect(receivedOfType(client, 'done').map((d) => d.status)).toEqual(['interrupted']);

    // Partial replies are stored, marked interrupted.
    let stored = 0;
    for (const sessionId of sessions) {
      const reply = (await stack!.store.getMessages(sessionId)).find((m) => m.role === 'assistant');
      expect(reply?.status).toBe('interrupted');
      expect(reply?.content.length).toBeGreaterThan(0);
      stored += reply?.content.length ?? 0;
    }
    recordFigure('15', 'partial reply characters stored at shutdown', stored, 'chars');
    unresponsive.resume();
    await unresponsive.closed;

    const closing = Date.now();
    await harness!.app.close();
    expect(Date.now() - closing).toBeLessThan(DEADLINE_MS);
  });

  it('ProductionIssue15_ShutdownTimeout: a restart closes 1012 within the deadline', async () => {
    await start();
    const client = await harness!.connect({ sub: 'restart-reader' });
    const sessionId = await startStream(client);
    const started = Date.now();
    await harness!.gateway.shutdown({ drainMs: 100, deadlineMs: DEADLINE_MS, restart: true });
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    expect(await client.closed).toEqual({ code: 1012, reason: 'server_restart' });
    const reply = (await stack!.store.getMessages(sessionId)).find((m) => m.role === 'assistant');
    expect(reply?.status).toBe('interrupted');
  });
});
