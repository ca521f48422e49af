import { afterEach, describe, expect, it } from '@jest/globals';
import { createResponseTimeHistogram } from '../../src/histogram.js';
import { createSessionManager } from '../../src/session-manager.js';
import type { SessionManager } from '../../src/session-manager-api.js';
import type { SessionManagerOptions } from '../../src/options.js';
import type { ChatMessage, SessionSnapshot } from '../../src/types.js';
import { fakeClock } from '../support/fakes.js';

const T0 = Date.UTC(2025, 0, 1);

function storedSnapshot(overrides: Partial<SessionSnapshot> = {}): SessionSnapshot {
  const histogram = createResponseTimeHistogram();
  for (const ms of [120, 340, 560, 780, 2_000]) histogram.record(ms);
  return {
    id: 'stored-1',
    userId: 'alice',
    isActive: true,
    createdAt: new Date(T0),
    updatedAt: new Date(T0 + 1_000),
    lastSeq: 4,
    messageCount: 4,
    totalInputTokens: 40,
    totalOutputTokens: 80,
    responseTimes: histogram.summary(),
    version: 9,
    ...overrides,
  };
}

function storedMessage(seq: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    sessionId: 'stored-1',
    seq,
    role: seq % 2 === 1 ? 'user' : 'assistant',
    content: `m${String(seq)}`,
    status: 'complete',
    clientMessageId: seq % 2 === 1 ? `c-${String(seq)}` : undefined,
    createdAt: new Date(T0 + seq),
    updatedAt: new Date(T0 + seq),
    ...(seq % 2 === 0 ? { usage: { inputTokens: 20, outputTokens: 40 } } : {}),
    ...overrides,
  };
}

describe('session manager: restore', () => {
  const opened: SessionManager[] = [];
  const open = (options: SessionManagerOptions = {}): SessionManager => {
    const manager = createSessionManager({ sweepIntervalMs: 0, ...options });
    opened.push(manager);
    return manager;
  };
  afterEach(() => {
    for (const manager of opened.splice(0)) manager.close();
  });

  it('loads a stored active session and continues its seq numbers', () => {
    const manager = open();
    const stored = storedSnapshot();
    const restored = manager.restore(
      stored,
      [1, 2, 3, 4].map((seq) => storedMessage(seq)),
    );
    expect(restored).toMatchObject({
      id: 'stored-1',
      userId: 'alice',
      isActive: true,
      lastSeq: 4,
      version: 9,
    });
    expect(restored.responseTimes).toMatchObject({ count: 5, minMs: 120, maxMs: 2_000 });
    expect(restored.responseTimes.meanMs).toBeCloseTo(stored.responseTimes.meanMs, 9);
    expect(manager.activeSessionsOf('alice')).toEqual(['stored-1']);
    expect(manager.findByClientMessageId('stored-1', 'c-3')?.seq).toBe(3);
    expect(
      manager.appendMessage('stored-1', { role: 'user', content: 'next', status: 'complete' }).seq,
    ).toBe(5);
    expect(manager.get('stored-1')).toMatchObject({ version: 10, messageCount: 5 });
  });

  it('returns the held session unchanged when the id is already in memory', () => {
    const manager = open();
    manager.restore(storedSnapshot());
    manager.appendMessage('stored-1', { role: 'user', content: 'x', status: 'complete' });
    const again = manager.restore(storedSnapshot({ lastSeq: 0, version: 1 }));
    expect(again).toMatchObject({ lastSeq: 5, version: 10 });
  });

  it('keeps the last maxHistoryMessages of the recent messages, sorted, and never reuses a seq', () => {
    const manager = open({ maxHistoryMessages: 2 });
    const recent = [
      storedMessage(6),
      storedMessage(5),
      storedMessage(3),
      storedMessage(6, { content: 'newer' }),
    ];
    const restored = manager.restore(storedSnapshot({ lastSeq: 4, messageCount: 4 }), recent);
    expect(restored).toMatchObject({ lastSeq: 6, messageCount: 6 });
    expect(manager.history('stored-1').map((m) => [m.seq, m.content])).toEqual([
      [5, 'm5'],
      [6, 'newer'],
    ]);
  });

  it('holds a stored ended session read-only, retained from when it was loaded', () => {
    const clock = fakeClock(T0 + 10 * 60 * 60_000);
    const manager = open({ clock: clock.now, retentionMs: 60_000 });
    const restored = manager.restore(
      storedSnapshot({ isActive: false, endTime: new Date(T0 + 2_000) }),
    );
    expect(restored.endTime?.getTime()).toBe(T0 + 2_000);
    expect(manager.activeSessionsOf('alice')).toEqual([]);
    expect(() =>
      manager.appendMessage('stored-1', { role: 'user', content: 'x', status: 'complete' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_SESSION_ENDED' }));
    expect(manager.sweep().evicted).toBe(0);
    clock.advance(60_000);
    expect(manager.sweep().evicted).toBe(1);
  });

  it('gives an ended session without endTime its last update time', () => {
    const manager = open();
    const restored = manager.restore(storedSnapshot({ isActive: false }));
    expect(restored.endTime?.getTime()).toBe(T0 + 1_000);
  });

  it('ignores an endTime on an active snapshot', () => {
    const manager = open();
    expect(manager.restore(storedSnapshot({ endTime: new Date(T0) })).endTime).toBeUndefined();
  });

  it('applies the active-session and ended-count bounds to restored sessions', () => {
    const full = open({ maxActiveSessions: 1 });
    full.create('u');
    expect(() => full.restore(storedSnapshot())).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_LIMIT_REACHED' }),
    );
    const capped = open({ maxEndedRetained: 0 });
    capped.restore(storedSnapshot({ isActive: false }));
    expect(capped.has('stored-1')).toBe(false);
  });

  it('refuses malformed snapshots and messages without holding anything', () => {
    const manager = open();
    const badSnapshots: unknown[] = [
      null,
      storedSnapshot({ id: '' }),
      storedSnapshot({ userId: 5 as never }),
      storedSnapshot({ isActive: 'yes' as never }),
      storedSnapshot({ createdAt: new Date(Number.NaN) }),
      storedSnapshot({ updatedAt: 'yesterday' as never }),
      storedSnapshot({ isActive: false, endTime: new Date(Number.NaN) }),
      storedSnapshot({ lastSeq: -1 }),
      storedSnapshot({ version: 1.5 }),
      storedSnapshot({ responseTimes: null as never }),
    ];
    for (const snapshot of badSnapshots) {
      expect(() => manager.restore(snapshot as SessionSnapshot)).toThrow(
        expect.objectContaining({ code: 'ERR_SESSION_INVALID_ARGUMENT' }),
      );
    }
    const badRecent: unknown[] = [
      'not an array',
      [storedMessage(1, { sessionId: 'other' })],
      [storedMessage(0)],
      [storedMessage(1, { status: 'lost' as never })],
      [storedMessage(1, { updatedAt: new Date(Number.NaN) })],
      [storedMessage(2, { usage: { inputTokens: -3, outputTokens: 0 } })],
    ];
    for (const recent of badRecent) {
      expect(() => manager.restore(storedSnapshot(), recent as ChatMessage[])).toThrow(
        expect.objectContaining({ code: 'ERR_SESSION_INVALID_ARGUMENT' }),
      );
    }
    expect(manager.has('stored-1')).toBe(false);
    expect(manager.stats()).toMatchObject({ active: 0, endedRetained: 0 });
  });
});
