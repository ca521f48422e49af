import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { MongoServer } from '@chatbox/testkit';
import { recordFigure, startMongo, uniqueDbName } from '@chatbox/testkit';
import type { SessionManager, SessionSnapshot } from '@chatbox/session';
import { createSessionManager } from '@chatbox/session';
import type { SessionStore } from '@chatbox/storage';
import { createMemoryStore, createMongoStore } from '@chatbox/storage';

// Finding 10: the old sessionToDocument read live session fields while they were being written.
// Node has no shared-memory race; its equivalent is an await between reading one field and the
// next. fast-check's scheduler explores the orders in which mutations and persists interleave.

type Op = 'user' | 'assistant' | 'finish' | 'time' | 'end';
const opArb = fc.constantFrom<Op>('user', 'assistant', 'finish', 'time', 'end');

function mutate(manager: SessionManager, id: string, op: Op, step: number): void {
  try {
    switch (op) {
      case 'user':
        manager.appendMessage(id, {
          role: 'user',
          content: `question ${step} ✓`,
          status: 'complete',
          clientMessageId: `c${step}`,
        });
        return;
      case 'assistant':
        manager.appendMessage(id, { role: 'assistant', content: '', status: 'streaming' });
        return;
      case 'finish': {
        const streaming = manager.history(id).find((m) => m.status === 'streaming');
        if (streaming !== undefined) {
          manager.updateMessage(id, streaming.seq, {
            content: `answer ${step}`,
            status: 'complete',
            usage: { inputTokens: step, outputTokens: 2 * step },
          });
        }
        return;
      }
      case 'time':
        manager.recordResponseTime(id, 10 + step);
        return;
      case 'end':
        manager.end(id);
        return;
    }
  } catch (error) {
    // Appending to an ended session is refused by the manager; that is not what is tested here.
    if ((error as { code?: unknown }).code !== 'ERR_SESSION_ENDED') throw error;
  }
}

async function persist(store: SessionStore, snapshot: SessionSnapshot): Promise<void> {
  await (snapshot.isActive ? store.saveSession(snapshot) : store.endSession(snapshot));
}

/** The session as it actually was, by version: every snapshot the manager ever handed out. */
function recorder(
  manager: SessionManager,
  id: string,
): { had: Map<number, SessionSnapshot>; take(): SessionSnapshot } {
  const had = new Map<number, SessionSnapshot>();
  return {
    had,
    take() {
      const snapshot = manager.snapshot(id);
      had.set(snapshot.version, snapshot);
      return snapshot;
    },
  };
}

describe('ProductionIssue10_SerializationDataRace', () => {
  it('ProductionIssue10_SerializationDataRace: under every explored interleaving the stored document is a state the session had, and the newest persisted', async () => {
    let explored = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(opArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        async (s, ops, persists) => {
          explored += 1;
          let now = Date.UTC(2025, 0, 1);
          const manager = createSessionManager({ sweepIntervalMs: 0, clock: () => (now += 7) });
          const store = createMemoryStore();
          try {
            const id = manager.create('user-1').id;
            const rec = recorder(manager, id);
            await store.createSession(rec.take());
            const persisted: number[] = [];
            const tasks = [
              ...ops.map((op, step) =>
                s
                  .schedule(Promise.resolve(op))
                  .then(() => (mutate(manager, id, op, step), rec.take())),
              ),
              ...Array.from({ length: persists }, () =>
                s
                  .schedule(Promise.resolve())
                  .then(() => rec.take())
                  // The write lands later than the snapshot was taken, in any order with the others.
                  .then((snapshot) => s.schedule(Promise.resolve(snapshot)))
                  .then(async (snapshot) => {
                    await persist(store, snapshot);
                    persisted.push(snapshot.version);
                  }),
              ),
            ];
            await s.waitFor(Promise.all(tasks));
            const stored = await store.getSession(id);
            expect(stored).toBeDefined();
            expect(stored).toEqual(rec.had.get((stored as SessionSnapshot).version));
            expect(stored?.version).toBe(Math.max(1, ...persisted));
          } finally {
            manager.close();
            await store.close();
          }
        },
      ),
      { numRuns: 300 },
    );
    recordFigure('10', 'interleavings explored (snapshot persists)', explored, 'runs');
  });

  it('ProductionIssue10_SerializationDataRace: the same check catches the old design, a persist reading live fields across awaits', async () => {
    interface Live {
      messageCount: number;
      lastSeq: number;
      totalInputTokens: number;
      version: number;
    }
    const result = await fc.check(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.constantFrom('user', 'assistant'), { minLength: 1, maxLength: 6 }),
        async (s, ops) => {
          const live: Live = { messageCount: 0, lastSeq: 0, totalInputTokens: 0, version: 1 };
          const had = [JSON.stringify(live)];
          const tasks = ops.map((op) =>
            s.schedule(Promise.resolve(op)).then(() => {
              live.messageCount += 1;
              live.lastSeq += 1;
              if (op === 'assistant') live.totalInputTokens += 5;
              live.version += 1;
              had.push(JSON.stringify(live));
            }),
          );
          // sessionToDocument of the old service: field by field, yielding in between.
          const naive = (async () => {
            const doc: Partial<Live> = {};
            for (const key of ['messageCount', 'lastSeq', 'totalInputTokens', 'version'] as const) {
              doc[key] = live[key];
              await s.schedule(Promise.resolve());
            }
            return JSON.stringify(doc);
          })();
          await s.waitFor(Promise.all([...tasks, naive]));
          return had.includes(await naive);
        },
      ),
      { numRuns: 300 },
    );
    expect(result.failed).toBe(true);
    recordFigure('10', 'runs until a torn document was found (old design)', result.numRuns, 'runs');
  });
});

describe('ProductionIssue10_SerializationDataRace on the real server', () => {
  let mongo: MongoServer;
  beforeAll(async () => {
    mongo = await startMongo();
  });
  afterAll(async () => {
    await mongo.close();
  });

  it('ProductionIssue10_SerializationDataRace: concurrent mutations, persists and reads never show a torn or older-than-persisted document', async () => {
    const store = await createMongoStore({
      uri: `mongodb://${mongo.host}:${mongo.port}/?directConnection=true`,
      database: uniqueDbName('race'),
    });
    const manager = createSessionManager({ sweepIntervalMs: 0 });
    try {
      const id = manager.create('user-1').id;
      const rec = recorder(manager, id);
      await store.createSession(rec.take());
      const ops: Op[] = ['user', 'assistant', 'time', 'finish'];
      const writes: Promise<void>[] = [];
      const reads: Promise<SessionSnapshot | undefined>[] = [];
      for (let step = 0; step < 80; step += 1) {
        mutate(manager, id, ops[step % ops.length] as Op, step);
        writes.push(persist(store, rec.take()));
        if (step % 4 === 0) reads.push(store.getSession(id));
        if (step % 3 === 0) await Promise.resolve();
      }
      mutate(manager, id, 'end', 80);
      writes.push(persist(store, rec.take()));
      await Promise.all(writes);
      const observed = (await Promise.all(reads)).filter(
        (d): d is SessionSnapshot => d !== undefined,
      );
      for (const doc of observed) expect(doc).toEqual(rec.had.get(doc.version));
      const finalVersion = Math.max(...rec.had.keys());
      expect(await store.getSession(id)).toEqual(rec.had.get(finalVersion));
      expect(observed.length).toBeGreaterThan(0);
    } finally {
      manager.close();
      await store.close();
    }
  });
});
