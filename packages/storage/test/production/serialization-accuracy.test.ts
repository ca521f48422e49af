import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { MongoServer } from '@chatbox/testkit';
import { recordFigure, startMongo, uniqueDbName } from '@chatbox/testkit';
import type { ChatMessage, SessionSnapshot } from '@chatbox/session';
import type { MeteredSessionStore } from '@chatbox/storage';
import {
  createMongoStore,
  fromMessageDocument,
  fromSessionDocument,
  toMessageDocument,
  toSessionDocument,
} from '@chatbox/storage';

// Finding 10: session → document → session is lossless. Strings are well-formed Unicode (the
// message package replaces lone surrogates before anything is stored; the store refuses them).

const uuidArb = fc.uuid({ version: 4 });
// Dates with milliseconds over a wide range, including before 1970.
const dateArb = fc.date({
  min: new Date(Date.UTC(1900, 0, 1)),
  max: new Date(Date.UTC(2200, 0, 1)),
  noInvalidDate: true,
});
const countArb = fc.oneof(fc.nat(), fc.constantFrom(0, 2 ** 31, Number.MAX_SAFE_INTEGER));
const msArb = fc
  .double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true })
  .map((n) => (Object.is(n, -0) ? 0 : n));
const textArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '👩‍👩‍👧‍👦🇫🇷', 'a\u0000b', '$where', '{"$ne":null}', 'x.y', 'e\u0301'),
  // Long text: up to about 40,000 characters, emoji and combining marks included.
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => s.repeat(2_000)),
);

const snapshotArb: fc.Arbitrary<SessionSnapshot> = fc
  .record({
    id: uuidArb,
    userId: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
    isActive: fc.boolean(),
    createdAt: dateArb,
    updatedAt: dateArb,
    endTime: fc.option(dateArb, { nil: undefined }),
    lastSeq: countArb,
    messageCount: countArb,
    totalInputTokens: countArb,
    totalOutputTokens: countArb,
    responseTimes: fc.record({
      count: countArb,
      meanMs: msArb,
      minMs: msArb,
      maxMs: msArb,
      p50Ms: msArb,
      p95Ms: msArb,
      p99Ms: msArb,
    }),
    version: fc.integer({ min: 1, max: 2 ** 40 }),
  })
  .map((s) => {
    const { endTime, ...rest } = s;
    return Object.freeze(endTime === undefined ? rest : { ...rest, endTime });
  });

const messageArb = (sessionId: fc.Arbitrary<string>): fc.Arbitrary<ChatMessage> =>
  fc
    .record(
      {
        sessionId,
        seq: fc.integer({ min: 1, max: 2 ** 40 }),
        role: fc.constantFrom('user' as const, 'assistant' as const),
        content: textArb,
        status: fc.constantFrom(
          'streaming' as const,
          'complete' as const,
          'interrupted' as const,
          'cancelled' as const,
          'error' as const,
        ),
        clientMessageId: fc.oneof(uuidArb, fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/)),
        createdAt: dateArb,
        updatedAt: dateArb,
        usage: fc.record({ inputTokens: countArb, outputTokens: countArb }),
        stopReason: fc.string({ maxLength: 30 }),
        errorCode: fc.string({ maxLength: 30 }),
      },
      { requiredKeys: ['sessionId', 'seq', 'role', 'content', 'status', 'createdAt', 'updatedAt'] },
    )
    .map((m) => Object.freeze(m));

describe('ProductionIssue10_SerializationAccuracy', () => {
  let mongo: MongoServer;
  let store: MeteredSessionStore;
  beforeAll(async () => {
    mongo = await startMongo();
    store = await createMongoStore({
      uri: `mongodb://${mongo.host}:${mongo.port}/?directConnection=true`,
      database: uniqueDbName('accuracy'),
    });
  });
  afterAll(async () => {
    await store.close();
    await mongo.close();
  });

  it('ProductionIssue10_SerializationAccuracy: session → document → session is lossless (pure mappers)', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const doc = toSessionDocument(s);
        expect(fromSessionDocument(doc)).toEqual(s);
        expect(fromSessionDocument(structuredClone(doc))).toEqual(s);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(messageArb(uuidArb), (m) => {
        expect(fromMessageDocument(structuredClone(toMessageDocument(m)))).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it('ProductionIssue10_SerializationAccuracy: the same round trip through the real server is lossless', async () => {
    let sessions = 0;
    await fc.assert(
      fc.asyncProperty(snapshotArb, async (s) => {
        await store.saveSession(s);
        expect(await store.getSession(s.id)).toEqual(s);
        sessions += 1;
      }),
      { numRuns: 100 },
    );
    let messages = 0;
    await fc.assert(
      fc.asyncProperty(
        messageArb(fc.constant(randomUUID())).map((m) => ({ ...m, sessionId: randomUUID() })),
        async (m) => {
          const { message, duplicate } = await store.appendMessage(m);
          expect(duplicate).toBe(false);
          expect(message).toEqual(m);
          expect(await store.getMessages(m.sessionId, { afterSeq: m.seq - 1 })).toEqual([m]);
          messages += 1;
        },
      ),
      { numRuns: 100 },
    );
    recordFigure('10', 'snapshots round-tripped through the server', sessions, 'snapshots');
    recordFigure('10', 'messages round-tripped through the server', messages, 'messages');
  });
});
