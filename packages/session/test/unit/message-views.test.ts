import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createSessionManager } from '../../src/session-manager.js';
import type { SessionManager } from '../../src/session-manager-api.js';
import type { SessionManagerOptions } from '../../src/options.js';
import type { MessageDraft } from '../../src/session-state.js';
import { sharedDate } from '../../src/shared-date.js';
import type { ChatMessage, SessionSnapshot } from '../../src/types.js';
import { fakeClock } from '../support/fakes.js';

const T0 = Date.UTC(2025, 0, 1);

const userDraft = (content: string, clientMessageId?: string): MessageDraft => ({
  role: 'user',
  content,
  status: 'complete',
  ...(clientMessageId === undefined ? {} : { clientMessageId }),
});

function storedSnapshot(): SessionSnapshot {
  return {
    id: 'stored-1',
    userId: 'alice',
    isActive: true,
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
    lastSeq: 0,
    messageCount: 0,
    totalInputTokens: 0,
    totalOutputTokens: 0,
    responseTimes: { count: 0, meanMs: 0, minMs: 0, maxMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 },
    version: 1,
  };
}

function storedMessage(seq: number, clientMessageId: string, content: string): ChatMessage {
  return {
    sessionId: 'stored-1',
    seq,
    role: 'user',
    content,
    status: 'complete',
    clientMessageId,
    createdAt: new Date(T0 + seq),
    updatedAt: new Date(T0 + seq),
  };
}

describe('session manager: frozen message views', () => {
  const opened: SessionManager[] = [];
  const open = (options: SessionManagerOptions = {}): SessionManager => {
    const manager = createSessionManager({ sweepIntervalMs: 0, ...options });
    opened.push(manager);
    return manager;
  };
  afterEach(() => {
    for (const manager of opened.splice(0)) manager.close();
  });

  it('hands out one frozen message per change and one history array until the next mutation', () => {
    const clock = fakeClock();
    const manager = open({ clock: clock.now });
    const { id } = manager.create('u');
    const user = manager.appendMessage(id, userDraft('q', 'c-1'));
    const first = manager.history(id);
    expect(manager.history(id)).toBe(first);
    expect(first[0]).toBe(user);
    expect(manager.findByClientMessageId(id, 'c-1')).toBe(user);

    const reply = manager.appendMessage(id, {
      role: 'assistant',
      content: '',
      status: 'streaming',
    });
    const second = manager.history(id);
    expect(second).not.toBe(first);
    expect(first).toHaveLength(1);
    expect(second).toEqual([user, reply]);
    expect(second[0]).toBe(user);

    clock.advance(10);
    const done = manager.updateMessage(id, reply.seq, { content: 'a', status: 'complete' });
    const third = manager.history(id);
    expect(third).not.toBe(second);
    expect(third[1]).toBe(done);
    // What a caller already holds never changes.
    expect(reply).toMatchObject({ content: '', status: 'streaming' });
    expect(second[1]).toBe(reply);
    expect(done.createdAt).toBe(reply.createdAt);
    expect(done.updatedAt.getTime()).toBe(reply.createdAt.getTime() + 10);
    for (const message of third) {
      expect(Object.isFrozen(message)).toBe(true);
      expect(Object.isFrozen(message.createdAt)).toBe(true);
      expect(Object.isFrozen(message.updatedAt)).toBe(true);
    }
    expect(Object.isFrozen(third)).toBe(true);
    expect(() => {
      (third as ChatMessage[]).push(user);
    }).toThrow(TypeError);

    // Reads and non-message mutations keep the cached array.
    manager.touch(id);
    manager.recordResponseTime(id, 5);
    manager.findByClientMessageId(id, 'c-1');
    expect(manager.history(id)).toBe(third);
  });

  it('keeps the clientMessageId index in step with the bounded history', () => {
    const manager = open({ maxHistoryMessages: 2 });
    const { id } = manager.create('u');
    manager.appendMessage(id, userDraft('one', 'c-1'));
    manager.appendMessage(id, { role: 'assistant', content: 'a', status: 'complete' });
    expect(manager.findByClientMessageId(id, 'c-1')?.content).toBe('one');
    manager.appendMessage(id, userDraft('two', 'c-2'));
    // c-1 was evicted with its message: a resend is a new message, as with the scan before.
    expect(manager.findByClientMessageId(id, 'c-1')).toBeUndefined();
    const again = manager.appendMessage(id, userDraft('one again', 'c-1'));
    expect(manager.findByClientMessageId(id, 'c-1')).toBe(again);
    expect(manager.history(id).map((m) => m.clientMessageId)).toEqual(['c-2', 'c-1']);
  });

  it('follows an update of a keyed message', () => {
    const manager = open();
    const { id } = manager.create('u');
    const held = manager.appendMessage(id, {
      role: 'user',
      content: 'draft',
      status: 'streaming',
      clientMessageId: 'c-1',
    });
    const updated = manager.updateMessage(id, held.seq, { status: 'complete' });
    expect(manager.findByClientMessageId(id, 'c-1')).toBe(updated);
    expect(updated).toMatchObject({ content: 'draft', status: 'complete', clientMessageId: 'c-1' });
  });

  it('indexes restored messages, the newest of a repeated key winning until it is evicted', () => {
    const manager = open({ maxHistoryMessages: 3 });
    const recent = [storedMessage(1, 'k', 'old'), storedMessage(2, 'k', 'new')];
    manager.restore(storedSnapshot(), recent);
    expect(manager.findByClientMessageId('stored-1', 'k')?.content).toBe('new');
    // The caller's Dates were copied: changing them changes nothing held.
    recent[1]!.createdAt.setTime(0);
    expect(manager.findByClientMessageId('stored-1', 'k')?.createdAt.getTime()).toBe(T0 + 2);
    // Evicting the older holder of the key leaves the newer one findable.
    manager.appendMessage('stored-1', userDraft('x', 'c-3'));
    manager.appendMessage('stored-1', userDraft('y'));
    expect(manager.history('stored-1').map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(manager.findByClientMessageId('stored-1', 'k')?.content).toBe('new');
    manager.appendMessage('stored-1', userDraft('z'));
    expect(manager.findByClientMessageId('stored-1', 'k')).toBeUndefined();
  });

  it('agrees with a scan of the history for any sequence of appends, resends and evictions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined }), {
          maxLength: 40,
        }),
        (max, keys) => {
          const manager = createSessionManager({ sweepIntervalMs: 0, maxHistoryMessages: max });
          const { id } = manager.create('u');
          for (const key of keys) {
            const scanned = manager.history(id).findLast((m) => m.clientMessageId === key);
            if (key !== undefined) expect(manager.findByClientMessageId(id, key)).toBe(scanned);
            if (key !== undefined && scanned !== undefined) {
              expect(() => manager.appendMessage(id, userDraft('x', key))).toThrow(
                expect.objectContaining({ code: 'ERR_SESSION_DUPLICATE_MESSAGE' }),
              );
            } else {
              manager.appendMessage(id, userDraft('x', key));
            }
            expect(manager.history(id).length).toBeLessThanOrEqual(max);
          }
          manager.close();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('sharedDate', () => {
  it('is a frozen Date whose value no setter can change', () => {
    const date = sharedDate(T0);
    expect(date).toBeInstanceOf(Date);
    expect(date.constructor).toBe(Date);
    expect(Object.prototype.toString.call(date)).toBe('[object Date]');
    expect(Object.isFrozen(date)).toBe(true);
    expect(date).toEqual(new Date(T0));
    expect(date).toStrictEqual(new Date(T0));
    expect(date.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(JSON.stringify({ date })).toBe('{"date":"2025-01-01T00:00:00.000Z"}');
    expect(structuredClone(date).getTime()).toBe(T0);
    const setters = Object.getOwnPropertyNames(Date.prototype).filter((n) => n.startsWith('set'));
    expect(setters).toEqual(expect.arrayContaining(['setTime', 'setUTCHours', 'setFullYear']));
    for (const name of setters) {
      const setter = (date as unknown as Record<string, (value: number) => number>)[name]!;
      expect(() => setter.call(date, 0)).toThrow(TypeError);
    }
    expect(date.getTime()).toBe(T0);
  });

  it('protects the Dates of every message handed out', () => {
    const manager = open();
    const { id } = manager.create('u');
    const message = manager.appendMessage(id, userDraft('q'));
    expect(() => message.createdAt.setTime(0)).toThrow(TypeError);
    expect(() => message.updatedAt.setHours(0)).toThrow(TypeError);
    expect(manager.history(id)[0]!.createdAt.getTime()).toBe(message.createdAt.getTime());
    expect(message.createdAt.getTime()).not.toBe(0);
  });

  function open(): SessionManager {
    const manager = createSessionManager({ sweepIntervalMs: 0 });
    opened.push(manager);
    return manager;
  }
  const opened: SessionManager[] = [];
  afterEach(() => {
    for (const manager of opened.splice(0)) manager.close();
  });
});
