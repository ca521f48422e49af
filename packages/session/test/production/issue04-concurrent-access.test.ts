import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createSessionManager, isSessionError } from '@chatbox/session';
import type { SessionManager, SessionSnapshot } from '@chatbox/session';
import { recordFigure } from '@chatbox/testkit';

// `end-direct` and `snapshot` bypass the queue, as the idle sweeper, an admin action and a
// reader do; every append goes through it, as the router's flows do.
type Op = 'append' | 'append-once' | 'end' | 'end-direct' | 'snapshot';
const OPS = fc.array(
  fc.constantFrom<Op>(
    'append',
    'append',
    'append-once',
    'end',
    'end-direct',
    'snapshot',
    'snapshot',
  ),
  {
    minLength: 2,
    maxLength: 12,
  },
);

interface Appended {
  readonly seq: number;
  /** lastSeq read at the start of the flow, before its await (a store-then-ack flow). */
  readonly readLastSeq: number | undefined;
}

interface Outcome {
  readonly appended: Appended[];
  refusedAfterEnd: number;
  readonly ends: SessionSnapshot[];
  /** Snapshots in the order they were read. */
  readonly reads: SessionSnapshot[];
  readonly unexpected: unknown[];
}

/**
 * Runs the operations concurrently on one session; every await is released in an order the
 * scheduler picks. `serialised` decides whether the multi-step flows use `runExclusive`.
 */
async function explore(
  s: fc.Scheduler,
  ops: readonly Op[],
  serialised: boolean,
): Promise<[SessionManager, Outcome]> {
  const manager = createSessionManager({ sweepIntervalMs: 0 });
  const { id } = manager.create('user-1');
  const outcome: Outcome = {
    appended: [],
    refusedAfterEnd: 0,
    ends: [],
    reads: [],
    unexpected: [],
  };
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> =>
    serialised ? manager.runExclusive(id, fn) : fn();
  const step = (label: string): Promise<void> => s.schedule(Promise.resolve(), label);
  const read = (): void => {
    outcome.reads.push(manager.snapshot(id));
  };

  const flows = ops.map(async (op, index): Promise<void> => {
    try {
      switch (op) {
        case 'append':
          await exclusive(async () => {
            const readLastSeq = manager.snapshot(id).lastSeq;
            await step(`store message ${String(index)}`);
            const { seq } = manager.appendMessage(id, {
              role: 'user',
              content: `m${String(index)}`,
              status: 'complete',
            });
            outcome.appended.push({ seq, readLastSeq });
            await step(`ack ${String(index)}`);
          });
          return;
        case 'append-once':
          await step(`append ${String(index)}`);
          await exclusive(async () => {
            const { seq } = manager.appendMessage(id, {
              role: 'user',
              content: `d${String(index)}`,
              status: 'complete',
            });
            outcome.appended.push({ seq, readLastSeq: undefined });
          });
          return;
        case 'end':
          await exclusive(async () => {
            await step(`persist end ${String(index)}`);
            outcome.ends.push(manager.end(id));
          });
          return;
        case 'end-direct':
          await step(`end ${String(index)}`);
          outcome.ends.push(manager.end(id));
          return;
        case 'snapshot':
          await step(`read ${String(index)}`);
          read();
          return;
      }
    } catch (error) {
      if (isSessionError(error) && error.code === 'ERR_SESSION_ENDED') outcome.refusedAfterEnd += 1;
      else outcome.unexpected.push(error);
    }
  });
  await s.waitIdle();
  await Promise.all(flows);
  read();
  return [manager, outcome];
}

function checkInvariants(manager: SessionManager, ops: readonly Op[], outcome: Outcome): void {
  const { appended, ends, reads, unexpected } = outcome;
  expect(unexpected).toEqual([]);
  // Every append either got a seq or was refused because the session had ended.
  expect(appended.length + outcome.refusedAfterEnd).toBe(
    ops.filter((op) => op.startsWith('append')).length,
  );
  if (!ops.some((op) => op.startsWith('end'))) expect(outcome.refusedAfterEnd).toBe(0);
  const final = reads.at(-1)!;
  const seqs = appended.map((a) => a.seq).sort((a, b) => a - b);
  // Unique and gap-free from 1.
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  expect(final.lastSeq).toBe(seqs.length);
  expect(final.messageCount).toBe(seqs.length);
  expect(manager.history(final.id).map((m) => m.seq)).toEqual(seqs);
  // No append after end: every end saw the final message count.
  for (const ended of ends) {
    expect(ended.isActive).toBe(false);
    expect(ended.lastSeq).toBe(final.lastSeq);
  }
  // Finding 04: inside runExclusive nothing interleaves between a flow's read and its write.
  for (const { seq, readLastSeq } of appended) {
    if (readLastSeq !== undefined) expect(seq).toBe(readLastSeq + 1);
  }
  // Every snapshot is internally consistent, frozen, and snapshots are ordered by version.
  let previous: SessionSnapshot | undefined;
  for (const snapshot of reads) {
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(snapshot.messageCount).toBe(snapshot.lastSeq);
    expect(snapshot.isActive).toBe(snapshot.endTime === undefined);
    if (!snapshot.isActive) expect(snapshot.lastSeq).toBe(final.lastSeq);
    if (previous !== undefined) {
      expect(snapshot.version).toBeGreaterThanOrEqual(previous.version);
      expect(snapshot.lastSeq).toBeGreaterThanOrEqual(previous.lastSeq);
      if (snapshot.version === previous.version) expect(snapshot).toEqual(previous);
    }
    previous = snapshot;
  }
  expect(final.version).toBe(1 + seqs.length + (ends.length > 0 ? 1 : 0));
}

describe('finding 04: concurrent operations on one session', () => {
  it('ProductionIssue04_ConcurrentSessionAccess', async () => {
    let explored = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), OPS, async (s, ops) => {
        const [manager, outcome] = await explore(s, ops, true);
        try {
          checkInvariants(manager, ops, outcome);
        } finally {
          manager.close();
        }
        explored += 1;
      }),
      { numRuns: 300 },
    );
    expect(explored).toBeGreaterThanOrEqual(300);
    recordFigure('04', 'interleavings explored with invariants holding', explored, 'runs');

    // The same flows without the per-session queue: the scheduler finds an order in which a
    // flow writes on a stale read, the race the old service had.
    const unserialised = await fc.check(
      fc.asyncProperty(fc.scheduler(), OPS, async (s, ops) => {
        const [manager, outcome] = await explore(s, ops, false);
        manager.close();
        for (const { seq, readLastSeq } of outcome.appended) {
          if (readLastSeq !== undefined && seq !== readLastSeq + 1) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
    expect(unserialised.failed).toBe(true);
    recordFigure('04', 'runs to find the race without the queue', unserialised.numRuns, 'runs');
  });
});
