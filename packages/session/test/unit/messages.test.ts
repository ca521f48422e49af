import { afterEach, describe, expect, it } from '@jest/globals';
import { createSessionManager } from '../../src/session-manager.js';
import type { SessionManager } from '../../src/session-manager-api.js';
import type { SessionManagerOptions } from '../../src/options.js';
import type { MessageDraft } from '../../src/session-state.js';
import { fakeClock } from '../support/fakes.js';

const userDraft = (content: string, clientMessageId?: string): MessageDraft => ({
  role: 'user',
  content,
  status: 'complete',
  ...(clientMessageId === undefined ? {} : { clientMessageId }),
});

describe('session manager: messages', () => {
  const opened: SessionManager[] = [];
  const open = (options: SessionManagerOptions = {}): SessionManager => {
    const manager = createSessionManager({ sweepIntervalMs: 0, ...options });
    opened.push(manager);
    return manager;
  };
  afterEach(() => {
    for (const manager of opened.splice(0)) manager.close();
  });

  it('assigns gap-free seq numbers from 1 and bumps the version on each append', () => {
    const clock = fakeClock();
    const manager = open({ clock: clock.now });
    const { id } = manager.create('u');
    const seqs: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      clock.advance(1);
      seqs.push(manager.appendMessage(id, userDraft(`m${String(i)}`)).seq);
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    const snapshot = manager.get(id)!;
    expect(snapshot).toMatchObject({ lastSeq: 5, messageCount: 5, version: 6 });
    expect(snapshot.updatedAt.getTime()).toBe(snapshot.createdAt.getTime() + 5);
  });

  it('returns frozen messages carrying every field of the draft', () => {
    const manager = open();
    const { id } = manager.create('u');
    const message = manager.appendMessage(id, {
      role: 'assistant',
      content: 'hi',
      status: 'error',
      usage: { inputTokens: 3, outputTokens: 4 },
      stopReason: 'end_turn',
      errorCode: 'upstream_interrupted',
    });
    expect(message).toMatchObject({
      sessionId: id,
      seq: 1,
      role: 'assistant',
      content: 'hi',
      status: 'error',
      usage: { inputTokens: 3, outputTokens: 4 },
      stopReason: 'end_turn',
      errorCode: 'upstream_interrupted',
    });
    expect(Object.isFrozen(message)).toBe(true);
    expect(Object.isFrozen(message.usage)).toBe(true);
    expect('clientMessageId' in message).toBe(false);
    expect(manager.get(id)).toMatchObject({ totalInputTokens: 3, totalOutputTokens: 4 });
  });

  it('refuses an append after end and on unknown sessions', () => {
    const manager = open();
    const { id } = manager.create('u');
    manager.appendMessage(id, userDraft('before'));
    manager.end(id);
    expect(() => manager.appendMessage(id, userDraft('after'))).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_ENDED' }),
    );
    expect(manager.get(id)!.lastSeq).toBe(1);
    expect(() => manager.appendMessage('missing', userDraft('x'))).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_NOT_FOUND' }),
    );
  });

  it('refuses malformed drafts without consuming a seq', () => {
    const manager = open();
    const { id } = manager.create('u');
    const bad: unknown[] = [
      null,
      { role: 'system', content: 'x', status: 'complete' },
      { role: 'user', content: 5, status: 'complete' },
      { role: 'user', content: 'x', status: 'done' },
      { role: 'user', content: 'x', status: 'complete', clientMessageId: 7 },
      { role: 'user', content: 'x', status: 'complete', stopReason: 1 },
      { role: 'user', content: 'x', status: 'complete', errorCode: {} },
      {
        role: 'user',
        content: 'x',
        status: 'complete',
        usage: { inputTokens: -1, outputTokens: 0 },
      },
      { role: 'user', content: 'x', status: 'complete', usage: null },
      {
        role: 'user',
        content: 'x',
        status: 'complete',
        usage: { inputTokens: 1.5, outputTokens: 0 },
      },
    ];
    for (const draft of bad) {
      expect(() => manager.appendMessage(id, draft as MessageDraft)).toThrow(
        expect.objectContaining({ code: 'ERR_SESSION_INVALID_ARGUMENT' }),
      );
    }
    expect(manager.appendMessage(id, userDraft('ok')).seq).toBe(1);
  });

  it('finds a message by clientMessageId and refuses a duplicate (R4)', () => {
    const manager = open();
    const { id } = manager.create('u');
    const first = manager.appendMessage(id, userDraft('hello', 'c-1'));
    expect(manager.findByClientMessageId(id, 'c-1')).toEqual(first);
    expect(manager.findByClientMessageId(id, 'c-2')).toBeUndefined();
    expect(() => manager.appendMessage(id, userDraft('hello again', 'c-1'))).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_DUPLICATE_MESSAGE' }),
    );
    expect(manager.get(id)!.lastSeq).toBe(1);
    expect(() => manager.findByClientMessageId('missing', 'c-1')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_NOT_FOUND' }),
    );
  });

  it('keeps only the last maxHistoryMessages messages', () => {
    const manager = open({ maxHistoryMessages: 3 });
    const { id } = manager.create('u');
    for (let i = 1; i <= 10; i += 1)
      manager.appendMessage(id, userDraft(`m${String(i)}`, `c-${String(i)}`));
    const history = manager.history(id);
    expect(history.map((m) => m.seq)).toEqual([8, 9, 10]);
    expect(history.map((m) => m.content)).toEqual(['m8', 'm9', 'm10']);
    expect(Object.isFrozen(history)).toBe(true);
    expect(manager.findByClientMessageId(id, 'c-1')).toBeUndefined();
    expect(manager.get(id)).toMatchObject({ lastSeq: 10, messageCount: 10 });
    expect(() => manager.history('missing')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_NOT_FOUND' }),
    );
  });

  it('updates a streaming message and adjusts token totals by the difference', () => {
    const clock = fakeClock();
    const manager = open({ clock: clock.now });
    const { id } = manager.create('u');
    const draft = manager.appendMessage(id, {
      role: 'assistant',
      content: '',
      status: 'streaming',
    });
    clock.advance(100);
    const partial = manager.updateMessage(id, draft.seq, {
      content: 'par',
      usage: { inputTokens: 10, outputTokens: 1 },
    });
    expect(partial).toMatchObject({ content: 'par', status: 'streaming' });
    expect(partial.updatedAt.getTime() - partial.createdAt.getTime()).toBe(100);
    const done = manager.updateMessage(id, draft.seq, {
      content: 'partial done',
      status: 'complete',
      usage: { inputTokens: 10, outputTokens: 7 },
      stopReason: 'end_turn',
    });
    expect(done).toMatchObject({
      content: 'partial done',
      status: 'complete',
      stopReason: 'end_turn',
    });
    expect(manager.get(id)).toMatchObject({
      totalInputTokens: 10,
      totalOutputTokens: 7,
      version: 4,
    });
    expect(manager.history(id)[0]).toEqual(done);
  });

  it('treats every status other than streaming as final (R5)', () => {
    const manager = open();
    const { id } = manager.create('u');
    const message = manager.appendMessage(id, {
      role: 'assistant',
      content: '',
      status: 'streaming',
    });
    manager.updateMessage(id, message.seq, { status: 'cancelled' });
    expect(() =>
      manager.updateMessage(id, message.seq, { content: 'late flush', status: 'streaming' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_SESSION_MESSAGE_FINAL' }));
    expect(manager.history(id)[0]).toMatchObject({ content: '', status: 'cancelled' });
  });

  it('finalises a streaming message after the session ended', () => {
    const manager = open();
    const { id } = manager.create('u');
    const message = manager.appendMessage(id, {
      role: 'assistant',
      content: 'part',
      status: 'streaming',
    });
    manager.end(id);
    const finished = manager.updateMessage(id, message.seq, {
      status: 'interrupted',
      errorCode: 'session_ended',
    });
    expect(finished).toMatchObject({ status: 'interrupted', errorCode: 'session_ended' });
  });

  it('refuses updates of unknown messages, bad patches and unknown sessions', () => {
    const manager = open({ maxHistoryMessages: 1 });
    const { id } = manager.create('u');
    const old = manager.appendMessage(id, { role: 'assistant', content: '', status: 'streaming' });
    manager.appendMessage(id, userDraft('newer'));
    expect(() => manager.updateMessage(id, old.seq, { content: 'x' })).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_MESSAGE_NOT_FOUND' }),
    );
    expect(() => manager.updateMessage(id, 99, {})).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_MESSAGE_NOT_FOUND' }),
    );
    const streaming = manager.appendMessage(id, {
      role: 'assistant',
      content: '',
      status: 'streaming',
    });
    for (const patch of [
      null,
      { content: 1 },
      { status: 'nope' },
      { stopReason: 2 },
      { errorCode: [] },
      { usage: {} },
    ]) {
      expect(() => manager.updateMessage(id, streaming.seq, patch as never)).toThrow(
        expect.objectContaining({ code: 'ERR_SESSION_INVALID_ARGUMENT' }),
      );
    }
    expect(() => manager.updateMessage('missing', 1, {})).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_NOT_FOUND' }),
    );
  });

  it('records response times into the snapshot summary', () => {
    const manager = open({ responseTimes: { relativeAccuracy: 0.01 } });
    const { id } = manager.create('u');
    for (const ms of [100, 200, 300, 400]) manager.recordResponseTime(id, ms);
    const { responseTimes, version } = manager.get(id)!;
    expect(responseTimes).toMatchObject({ count: 4, meanMs: 250, minMs: 100, maxMs: 400 });
    expect(Math.abs(responseTimes.p50Ms - 200)).toBeLessThanOrEqual(2.000001);
    expect(version).toBe(5);
    expect(() => manager.recordResponseTime(id, -5)).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_INVALID_ARGUMENT' }),
    );
    expect(() => manager.recordResponseTime('missing', 5)).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_NOT_FOUND' }),
    );
  });
});
