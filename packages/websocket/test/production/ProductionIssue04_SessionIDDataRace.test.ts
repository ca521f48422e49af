import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { InboundFrame } from '@chatbox/message';
import type { ChatMessage } from '@chatbox/session';
import type { SessionStore } from '@chatbox/storage';
import { recordFigure, type WsTestClient } from '@chatbox/testkit';
import fc from 'fast-check';
import { receivedOfType, nextOfType } from '../support/frames.js';
import { startHarness } from '../support/harness.js';
import { observeRouter } from '../support/observed-router.js';
import { startStack } from '../support/stack.js';

const USER = 'race-user';
const RUNS = 20;

interface Routed {
  readonly connId: string;
  readonly frame: InboundFrame;
  /** router.sessionOf(conn) when the frame reached the router: "the session bound at that moment". */
  readonly boundAtEntry: string | undefined;
}

/** Every store call the router makes resolves when the fast-check scheduler says so. */
function scheduled(s: fc.Scheduler, store: SessionStore) {
  return {
    createSession: s.scheduleFunction((snapshot: Parameters<SessionStore['createSession']>[0]) =>
      store.createSession(snapshot),
    ),
    saveSession: s.scheduleFunction((snapshot: Parameters<SessionStore['saveSession']>[0]) =>
      store.saveSession(snapshot),
    ),
    endSession: s.scheduleFunction((snapshot: Parameters<SessionStore['endSession']>[0]) =>
      store.endSession(snapshot),
    ),
    getSession: s.scheduleFunction((id: string) => store.getSession(id)),
    appendMessage: s.scheduleFunction((message: ChatMessage) => store.appendMessage(message)),
    getMessages: s.scheduleFunction((id: string, options?: { afterSeq?: number; limit?: number }) =>
      store.getMessages(id, options),
    ),
    updateMessage: s.scheduleFunction((...args: Parameters<SessionStore['updateMessage']>) =>
      store.updateMessage(...args),
    ),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Releases scheduled store calls one at a time, in the scheduler's order, until nothing moves. */
async function drive(s: fc.Scheduler, settled: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 4) {
    if (Date.now() > deadline) throw new Error('the scenario did not settle');
    if (s.count() > 0) {
      quiet = 0;
      await s.waitOne();
      continue;
    }
    await sleep(3);
    quiet = settled() && s.count() === 0 ? quiet + 1 : 0;
  }
}

const send = (clientMessageId: string, sessionId?: string): InboundFrame => ({
  type: 'send',
  clientMessageId,
  content: `message ${clientMessageId.slice(0, 8)}`,
  ...(sessionId === undefined ? {} : { sessionId }),
});

const scenario = fc.record({
  aSends: fc.integer({ min: 1, max: 4 }),
  bSends: fc.array(fc.boolean(), { maxLength: 3 }),
  order: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
});

describe('finding 04: connection ↔ session binding under interleaved sends, resumes and a replacement', () => {
  it('ProductionIssue04_SessionIDDataRace', async () => {
    let runs = 0;
    let framesChecked = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenario, async (s, { aSends, bSends, order }) => {
        runs += 1;
        const routed: Routed[] = [];
        const pending = new Set<Promise<void>>();
        const stack = startStack({
          demo: { delayMs: 0, reply: () => 'ok' },
          wrapStore: (store) => scheduled(s, store),
        });
        const harness = await startHarness({
          router: observeRouter(stack.router, {
            before: (conn, frame) =>
              routed.push({ connId: conn.id, frame, boundAtEntry: stack.router.sessionOf(conn) }),
            after: (done) => {
              pending.add(done);
              void done.finally(() => pending.delete(done));
            },
          }),
          framesPerMinutePerConnection: 1_000,
        });
        const idle = () => pending.size === 0 && stack.router.stats().generations === 0;
        try {
          const a = await harness.connect({ sub: USER });
          const first = send(randomUUID());
          a.send(first);
          await drive(s, () => idle() && receivedOfType(a, 'ack').length === 1);
          const sessionId = (await nextOfType(a, 'ack', 100)).sessionId;
          const b = await harness.connect({ sub: USER });
          const aId = routed[0]!.connId;

          // Per client, frames go out in order; across the two sockets the order is generated.
          const queues: Record<'a' | 'b', InboundFrame[]> = {
            a: Array.from({ length: aSends }, () => send(randomUUID())),
            b: [
              { type: 'resume', sessionId, lastSeq: 0 },
              ...bSends.map((named) => send(randomUUID(), named ? sessionId : undefined)),
            ],
          };
          const written: Record<'a' | 'b', InboundFrame[]> = { a: [first], b: [] };
          const clients: Record<'a' | 'b', WsTestClient> = { a, b };
          for (const pickA of [
            ...order,
            ...Array<boolean>(queues.a.length + queues.b.length).fill(true),
          ]) {
            const side = (pickA && queues.a.length > 0) || queues.b.length === 0 ? 'a' : 'b';
            const frame = queues[side].shift();
            if (frame === undefined) break;
            written[side].push(frame);
            clients[side].send(frame);
          }
          const ofA = () => routed.filter((r) => r.connId === aId);
          const ofB = () => routed.filter((r) => r.connId !== aId);
          let aClosed: { code: number; reason: string } | undefined;
          void a.closed.then((info) => (aClosed = info));
          await drive(
            s,
            () =>
              idle() &&
              ofB().length === written.b.length &&
              (aClosed !== undefined || ofA().length === written.a.length),
          );

          // No frame lost, doubled or reordered between a socket and the router.
          const ids = (frames: readonly InboundFrame[]) =>
            frames.map((f) => (f.type === 'send' ? f.clientMessageId : f.type));
          expect(ids(ofB().map((r) => r.frame))).toEqual(ids(written.b));
          expect(ids(written.a).slice(0, ofA().length)).toEqual(ids(ofA().map((r) => r.frame)));

          // The replacement closed A with its application code; only B is registered now.
          expect(aClosed ?? (await a.closed)).toEqual({ code: 4000, reason: 'replaced' });
          expect(stack.router.stats().connections).toBe(1);

          const stored = new Map<string, ChatMessage[]>();
          for (const id of stack.sessions.activeSessionsOf(USER))
            stored.set(id, await stack.store.getMessages(id));
          const userMessages = [...stored.values()].flat().filter((m) => m.role === 'user');
          for (const [id, messages] of stored) {
            expect({ id, seqs: messages.map((m) => m.seq) }).toEqual({
              id,
              seqs: messages.map((_m, i) => i + 1),
            });
          }
          for (const record of routed) {
            if (record.frame.type !== 'send') continue;
            const { clientMessageId } = record.frame;
            const copies = userMessages.filter((m) => m.clientMessageId === clientMessageId);
            expect(copies.length).toBeLessThanOrEqual(1);
            const target = record.frame.sessionId ?? record.boundAtEntry;
            if (copies[0] !== undefined && target !== undefined)
              expect(copies[0].sessionId).toBe(target);
            framesChecked += 1;
          }
          // Every B send is answered once; every ack names where the message really is.
          for (const frame of written.b) {
            if (frame.type !== 'send') continue;
            const answers = [...receivedOfType(b, 'ack'), ...receivedOfType(b, 'error')].filter(
              (f) => f.clientMessageId === frame.clientMessageId,
            );
            expect(answers).toHaveLength(1);
          }
          for (const ack of [...receivedOfType(a, 'ack'), ...receivedOfType(b, 'ack')]) {
            const message = userMessages.find((m) => m.clientMessageId === ack.clientMessageId);
            expect(message).toMatchObject({ sessionId: ack.sessionId, seq: ack.seq });
          }
        } finally {
          // Release whatever the scheduler still holds, so closing never waits on a parked store call.
          const closing = harness.close();
          await drive(s, () => true, 3_000).catch(() => undefined);
          await closing;
          await stack.close();
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(runs).toBe(RUNS);
    expect(framesChecked).toBeGreaterThan(RUNS);
    recordFigure('04', 'scheduler runs with every frame routed to its bound session', runs, 'runs');
  });
});
