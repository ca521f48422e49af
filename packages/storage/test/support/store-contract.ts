import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { BatchSessionStore } from '../../src/index.js';
import { MAX_APPEND_BATCH, STALE_STREAM_ERROR_CODE } from '../../src/index.js';
import type { ChatMessage } from '@chatbox/session';
import { endedSnapshot, makeMessage, makeSnapshot } from './fixtures.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0, 0);

/** One contract, run against every SessionStore implementation. */
export function describeStoreContract(name: string, open: () => Promise<BatchSessionStore>): void {
  describe(`SessionStore contract: ${name}`, () => {
    let store: BatchSessionStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates a session idempotently and reads it back unchanged', async () => {
      const s = makeSnapshot();
      await store.createSession(s);
      await store.createSession({ ...s, userId: 'someone-else', version: 9 });
      expect(await store.getSession(s.id)).toEqual(s);
      expect(await store.getSession(randomUUID())).toBeUndefined();
    });

    it('saves only newer versions', async () => {
      const s = makeSnapshot();
      await store.createSession(s);
      const v3 = { ...s, version: 3, messageCount: 3, lastSeq: 3 };
      await store.saveSession(v3);
      await store.saveSession({ ...s, version: 2, messageCount: 2, lastSeq: 2 });
      await store.saveSession({ ...s, version: 3, messageCount: 99 });
      expect(await store.getSession(s.id)).toEqual(v3);
      const fresh = makeSnapshot({ version: 5 });
      await store.saveSession(fresh);
      expect(await store.getSession(fresh.id)).toEqual(fresh);
    });

    it('refuses ids that are not UUID strings before they reach a filter', async () => {
      const injected = { $ne: null } as unknown as string;
      await expect(store.getSession(injected)).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ID',
      });
      await expect(store.getSession('ABC')).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ID',
      });
      await expect(store.getMessages(injected)).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ID',
      });
      await expect(
        store.listSessions({ userId: { $gt: '' } as unknown as string }),
      ).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ID',
      });
      await expect(store.saveSession(makeSnapshot({ id: '{"$ne":null}' }))).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ID',
      });
      await expect(
        store.appendMessage(
          makeMessage({ sessionId: randomUUID(), seq: 1, clientMessageId: '$where' }),
        ),
      ).rejects.toMatchObject({ code: 'ERR_STORAGE_INVALID_ID' });
    });

    it('ends a session only from an ended snapshot', async () => {
      const s = makeSnapshot();
      await store.createSession(s);
      await expect(store.endSession(s)).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ARGUMENT',
      });
      const ended = endedSnapshot(s, new Date(T0 + 5_000));
      await store.endSession(ended);
      expect(await store.getSession(s.id)).toEqual(ended);
    });

    it('lists sessions newest first, filtered, page by page', async () => {
      const mine = Array.from({ length: 5 }, (_, i) =>
        makeSnapshot({ userId: 'pager', createdAt: new Date(T0 + (i % 3) * 1_000) }),
      );
      for (const s of mine) await store.createSession(s);
      await store.createSession(makeSnapshot({ userId: 'other' }));
      await store.endSession(endedSnapshot(mine[0]!, new Date(T0 + 9_000)));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listSessions({
          userId: 'pager',
          limit: 2,
          ...(cursor === undefined ? {} : { cursor }),
        });
        expect(page.sessions.length).toBeLessThanOrEqual(2);
        seen.push(...page.sessions.map((s) => s.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      const expected = [...mine].sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
      );
      expect(seen).toEqual(expected.map((s) => s.id));
      const active = await store.listSessions({ userId: 'pager', active: true });
      expect(active.sessions.map((s) => s.id).sort()).toEqual(
        mine
          .slice(1)
          .map((s) => s.id)
          .sort(),
      );
      expect(active.nextCursor).toBeUndefined();
      await expect(store.listSessions({ cursor: 'not-a-cursor' })).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ARGUMENT',
      });
      await expect(store.listSessions({ limit: 0 })).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ARGUMENT',
      });
    });

    it('appends messages idempotently by clientMessageId and by seq', async () => {
      const sessionId = randomUUID();
      const first = makeMessage({ sessionId, seq: 1, clientMessageId: 'c-1' });
      expect(await store.appendMessage(first)).toEqual({ message: first, duplicate: false });
      const resend = await store.appendMessage(
        makeMessage({ sessionId, seq: 2, clientMessageId: 'c-1', content: 'again' }),
      );
      expect(resend).toEqual({ message: first, duplicate: true });
      const reply = makeMessage({
        sessionId,
        seq: 2,
        role: 'assistant',
        status: 'streaming',
        content: '',
      });
      expect((await store.appendMessage(reply)).duplicate).toBe(false);
      expect(await store.appendMessage(reply)).toEqual({ message: reply, duplicate: true });
      await expect(
        store.appendMessage(makeMessage({ sessionId, seq: 2, clientMessageId: 'c-2' })),
      ).rejects.toMatchObject({
        code: 'ERR_STORAGE_CONFLICT',
      });
      expect((await store.getMessages(sessionId)).map((m) => m.seq)).toEqual([1, 2]);
      // A lone surrogate cannot be stored as UTF-8 unchanged: refused rather than altered.
      await expect(
        store.appendMessage(makeMessage({ sessionId, seq: 3, content: 'bad \uD800' })),
      ).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ARGUMENT',
      });
    });

    it('appends a batch in order, in one call, with the idempotency of single appends', async () => {
      const sessionId = randomUUID();
      expect(await store.appendMessages([])).toEqual([]);
      const user = makeMessage({ sessionId, seq: 1, clientMessageId: 'b-1' });
      const reply = makeMessage({
        sessionId,
        seq: 2,
        role: 'assistant',
        status: 'streaming',
        content: '',
      });
      expect(await store.appendMessages([user, reply])).toEqual([
        { message: user, duplicate: false },
        { message: reply, duplicate: false },
      ]);
      // The same batch again (a resend after a lost ack): both found, nothing written twice.
      expect(await store.appendMessages([user, reply])).toEqual([
        { message: user, duplicate: true },
        { message: reply, duplicate: true },
      ]);
      expect(await store.getMessages(sessionId)).toEqual([user, reply]);
    });

    it('a batch whose first message is stored already writes the rest (partial duplicate)', async () => {
      const sessionId = randomUUID();
      const user = makeMessage({ sessionId, seq: 1, clientMessageId: 'p-1' });
      await store.appendMessage(user);
      const reply = makeMessage({ sessionId, seq: 2, role: 'assistant', status: 'streaming' });
      const resent = { ...user, content: 'resent copy' };
      expect(await store.appendMessages([resent, reply])).toEqual([
        { message: user, duplicate: true },
        { message: reply, duplicate: false },
      ]);
      const third = makeMessage({ sessionId, seq: 3, clientMessageId: 'p-3' });
      const fourth = makeMessage({ sessionId, seq: 4, role: 'assistant' });
      expect(await store.appendMessages([third, fourth, third])).toEqual([
        { message: third, duplicate: false },
        { message: fourth, duplicate: false },
        { message: third, duplicate: true },
      ]);
      expect((await store.getMessages(sessionId)).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    });

    it('a resend of an earlier message ends the batch: what follows it is not written', async () => {
      const sessionId = randomUUID();
      const first = makeMessage({ sessionId, seq: 1, clientMessageId: 'r-1' });
      const answer = makeMessage({ sessionId, seq: 2, role: 'assistant' });
      await store.appendMessages([first, answer]);
      const resend = makeMessage({ sessionId, seq: 3, clientMessageId: 'r-1', content: 'again' });
      const placeholder = makeMessage({
        sessionId,
        seq: 4,
        role: 'assistant',
        status: 'streaming',
      });
      expect(await store.appendMessages([resend, placeholder])).toEqual([
        { message: first, duplicate: true },
      ]);
      expect((await store.getMessages(sessionId)).map((m) => m.seq)).toEqual([1, 2]);
    });

    it('a conflict in a batch rejects with the messages before it stored; invalid input writes nothing', async () => {
      const sessionId = randomUUID();
      await store.appendMessage(makeMessage({ sessionId, seq: 1, clientMessageId: 'k-1' }));
      const next = makeMessage({ sessionId, seq: 2, clientMessageId: 'k-2' });
      const clash = makeMessage({ sessionId, seq: 1, clientMessageId: 'k-3' });
      const after = makeMessage({ sessionId, seq: 3, role: 'assistant' });
      await expect(store.appendMessages([next, clash, after])).rejects.toMatchObject({
        code: 'ERR_STORAGE_CONFLICT',
      });
      expect((await store.getMessages(sessionId)).map((m) => m.seq)).toEqual([1, 2]);
      const valid = makeMessage({ sessionId, seq: 3, clientMessageId: 'k-4' });
      const bad = makeMessage({ sessionId, seq: 4, content: 'bad \uD800' });
      await expect(store.appendMessages([valid, bad])).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ARGUMENT',
      });
      await expect(
        store.appendMessages('nope' as unknown as readonly ChatMessage[]),
      ).rejects.toMatchObject({ code: 'ERR_STORAGE_INVALID_ARGUMENT' });
      await expect(
        store.appendMessages(Array.from({ length: MAX_APPEND_BATCH + 1 }, () => valid)),
      ).rejects.toMatchObject({ code: 'ERR_STORAGE_INVALID_ARGUMENT' });
      expect((await store.getMessages(sessionId)).map((m) => m.seq)).toEqual([1, 2]);
    });

    it('updates a streaming message; a late partial flush never overwrites a final state', async () => {
      const sessionId = randomUUID();
      await store.appendMessage(
        makeMessage({ sessionId, seq: 1, role: 'assistant', status: 'streaming', content: '' }),
      );
      await store.updateMessage(sessionId, 1, { content: 'Hel' });
      expect((await store.getMessages(sessionId))[0]).toMatchObject({
        content: 'Hel',
        status: 'streaming',
      });
      const usage = { inputTokens: 12, outputTokens: 34 };
      await store.updateMessage(sessionId, 1, {
        content: 'Hello',
        status: 'complete',
        usage,
        stopReason: 'end_turn',
      });
      await store.updateMessage(sessionId, 1, { content: 'Hello, stale' });
      const [done] = await store.getMessages(sessionId);
      expect(done).toMatchObject({
        content: 'Hello',
        status: 'complete',
        usage,
        stopReason: 'end_turn',
      });
      await store.updateMessage(sessionId, 1, {
        status: 'error',
        errorCode: 'upstream_interrupted',
      });
      expect((await store.getMessages(sessionId))[0]).toMatchObject({
        status: 'error',
        errorCode: 'upstream_interrupted',
      });
      await expect(store.updateMessage(sessionId, 2, { content: 'x' })).rejects.toMatchObject({
        code: 'ERR_STORAGE_NOT_FOUND',
      });
      await expect(store.updateMessage(sessionId, 2, { status: 'complete' })).rejects.toMatchObject(
        { code: 'ERR_STORAGE_NOT_FOUND' },
      );
      await expect(
        store.updateMessage(sessionId, 1, { status: 'done' as 'complete' }),
      ).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ARGUMENT',
      });
    });

    it('reads messages after a seq in ascending order (resume)', async () => {
      const sessionId = randomUUID();
      for (const seq of [3, 1, 5, 2, 4])
        await store.appendMessage(makeMessage({ sessionId, seq, clientMessageId: `k${seq}` }));
      await store.appendMessage(makeMessage({ sessionId: randomUUID(), seq: 6 }));
      expect((await store.getMessages(sessionId)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
      expect((await store.getMessages(sessionId, { afterSeq: 2 })).map((m) => m.seq)).toEqual([
        3, 4, 5,
      ]);
      expect(
        (await store.getMessages(sessionId, { afterSeq: 1, limit: 2 })).map((m) => m.seq),
      ).toEqual([2, 3]);
      await expect(store.getMessages(sessionId, { afterSeq: -1 })).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ARGUMENT',
      });
    });

    it('turns stale streaming messages into interrupted, leaving live and final ones', async () => {
      const sessionId = randomUUID();
      const old = new Date(T0);
      await store.appendMessage(
        makeMessage({
          sessionId,
          seq: 1,
          role: 'assistant',
          status: 'streaming',
          createdAt: old,
          updatedAt: old,
        }),
      );
      await store.appendMessage(
        makeMessage({
          sessionId,
          seq: 2,
          role: 'assistant',
          status: 'streaming',
          createdAt: old,
          updatedAt: old,
        }),
      );
      await store.appendMessage(
        makeMessage({
          sessionId,
          seq: 3,
          role: 'assistant',
          status: 'complete',
          createdAt: old,
          updatedAt: old,
        }),
      );
      await store.updateMessage(sessionId, 2, {
        content: 'alive',
        heartbeatAt: new Date(T0 + 60_000),
      });
      expect(await store.markStaleStreaming(new Date(T0 + 30_000))).toBe(1);
      const [stale, live, final] = await store.getMessages(sessionId);
      expect(stale).toMatchObject({ status: 'interrupted', errorCode: STALE_STREAM_ERROR_CODE });
      expect(live).toMatchObject({ status: 'streaming', content: 'alive' });
      expect(final).toMatchObject({ status: 'complete' });
      expect(await store.markStaleStreaming(new Date(T0 + 30_000))).toBe(0);
    });

    it('purges sessions ended before the cutoff, with their messages', async () => {
      const gone = makeSnapshot();
      const kept = makeSnapshot();
      const active = makeSnapshot();
      for (const s of [gone, kept, active]) {
        await store.createSession(s);
        await store.appendMessage(makeMessage({ sessionId: s.id, seq: 1 }));
      }
      await store.endSession(endedSnapshot(gone, new Date(T0 + 1_000)));
      await store.endSession(endedSnapshot(kept, new Date(T0 + 9_000)));
      expect(await store.purgeEnded(new Date(T0 + 5_000))).toBe(1);
      expect(await store.getSession(gone.id)).toBeUndefined();
      expect(await store.getMessages(gone.id)).toEqual([]);
      expect(await store.getSession(kept.id)).toBeDefined();
      expect(await store.getMessages(kept.id)).toHaveLength(1);
      expect(await store.getMessages(active.id)).toHaveLength(1);
      await expect(store.purgeEnded(new Date(Number.NaN))).rejects.toMatchObject({
        code: 'ERR_STORAGE_INVALID_ARGUMENT',
      });
    });

    it('pings while open; after close every call fails with ERR_STORAGE_CLOSED', async () => {
      await store.ping();
      await store.close();
      await store.close();
      await expect(store.ping()).rejects.toMatchObject({ code: 'ERR_STORAGE_CLOSED' });
      await expect(store.createSession(makeSnapshot())).rejects.toMatchObject({
        code: 'ERR_STORAGE_CLOSED',
      });
      await expect(
        store.appendMessage(makeMessage({ sessionId: randomUUID(), seq: 1 })),
      ).rejects.toMatchObject({
        code: 'ERR_STORAGE_CLOSED',
      });
      await expect(
        store.appendMessages([makeMessage({ sessionId: randomUUID(), seq: 1 })]),
      ).rejects.toMatchObject({ code: 'ERR_STORAGE_CLOSED' });
    });
  });
}
