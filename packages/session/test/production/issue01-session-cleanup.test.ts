import { afterEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_RETENTION_MS, createSessionManager } from '@chatbox/session';
import type { SessionManager, SessionManagerOptions } from '@chatbox/session';
import { forceGc, heapUsedBytes, recordFigure } from '@chatbox/testkit';
import { fakeClock, fakeTimers } from '../support/fakes.js';

const SESSIONS = 100_000;
const MB = 1024 * 1024;
// Room for a loaded CI machine with coverage on; a time limit, not a speed assertion.
const SLOW_TEST_TIMEOUT_MS = 120_000;
// Generous: what is left after the sweep is noise (Jest, V8 caches), not sessions.
const MAX_HEAP_GROWTH_AFTER_SWEEP_MB = 16;

describe('finding 01: ended sessions are evicted', () => {
  const opened: SessionManager[] = [];
  const open = (options: SessionManagerOptions): SessionManager => {
    const manager = createSessionManager(options);
    opened.push(manager);
    return manager;
  };
  afterEach(() => {
    for (const manager of opened.splice(0)) manager.close();
  });

  it('ProductionIssue01_SessionCleanup', () => {
    const clock = fakeClock();
    const fake = fakeTimers();
    const evicted: string[] = [];
    const manager = open({
      clock: clock.now,
      timers: fake.timers,
      onEvict: (id) => evicted.push(id),
    });

    const created = manager.create('alice');
    expect(manager.has(created.id)).toBe(true);
    expect(manager.activeSessionsOf('alice')).toEqual([created.id]);

    clock.advance(1_000);
    const ended = manager.end(created.id);
    // The old service stopped here: inactive, but held forever.
    const readable = manager.get(created.id);
    expect(readable).toBeDefined();
    expect(readable?.isActive).toBe(false);
    expect(ended.endTime?.getTime()).toBe(created.createdAt.getTime() + 1_000);
    expect(readable?.endTime?.getTime()).toBe(ended.endTime?.getTime());
    expect(manager.activeSessionsOf('alice')).toEqual([]);
    expect(manager.stats()).toMatchObject({ active: 0, endedRetained: 1 });

    // Retention not yet over: the sweeper keeps it readable.
    clock.advance(DEFAULT_RETENTION_MS - 1);
    fake.fire();
    expect(manager.has(created.id)).toBe(true);

    // Retention over: the unref()ed sweeper evicts it without anyone calling sweep().
    clock.advance(1);
    fake.fire();
    expect(manager.has(created.id)).toBe(false);
    expect(manager.get(created.id)).toBeUndefined();
    expect(evicted).toEqual([created.id]);
    expect([...fake.handles][0]?.unrefCalls).toBe(1);

    // The explicit sweep() does the same, and the ended count is bounded as well.
    const capped = open({ clock: clock.now, sweepIntervalMs: 0, maxEndedRetained: 10 });
    const ids = Array.from({ length: 25 }, (_, i) => capped.create(`user-${String(i)}`).id);
    for (const id of ids) capped.end(id);
    expect(capped.stats().endedRetained).toBe(10);
    expect(ids.slice(0, 15).some((id) => capped.has(id))).toBe(false);
    clock.advance(DEFAULT_RETENTION_MS);
    expect(capped.sweep()).toEqual({ evicted: 10, idleEnded: 0 });
    expect(capped.stats()).toMatchObject({ active: 0, endedRetained: 0 });
  });

  it(
    'ProductionIssue01_MemoryGrowth',
    () => {
      const clock = fakeClock();
      const manager = open({
        clock: clock.now,
        sweepIntervalMs: 0,
        maxActiveSessions: SESSIONS,
        // Hold every ended session until the sweep, so the test sees what the old design kept.
        maxEndedRetained: SESSIONS,
      });
      forceGc();
      const heapStart = heapUsedBytes();

      const ids: string[] = [];
      for (let i = 0; i < SESSIONS; i += 1) {
        const { id } = manager.create(`user-${String(i % 10_000)}`);
        manager.appendMessage(id, {
          role: 'user',
          content: `message ${String(i)} of the memory test`,
          status: 'complete',
        });
        ids.push(id);
      }
      for (const id of ids) manager.end(id);
      expect(manager.stats()).toMatchObject({ active: 0, endedRetained: SESSIONS });
      forceGc();
      const peakMb = (heapUsedBytes() - heapStart) / MB;

      clock.advance(DEFAULT_RETENTION_MS);
      expect(manager.sweep()).toEqual({ evicted: SESSIONS, idleEnded: 0 });
      const held = ids.filter((id) => manager.has(id)).length;
      ids.length = 0;
      forceGc();
      const growthMb = (heapUsedBytes() - heapStart) / MB;

      recordFigure('01', 'sessions held after sweep', held, 'sessions');
      recordFigure(
        '01',
        'heap held by 100,000 ended sessions before sweep',
        Number(peakMb.toFixed(2)),
        'MB',
      );
      recordFigure('01', 'heap growth after sweep', Number(growthMb.toFixed(2)), 'MB');

      expect(held).toBe(0);
      expect(manager.stats()).toMatchObject({
        active: 0,
        endedRetained: 0,
        evictedTotal: SESSIONS,
      });
      expect(manager.activeSessionsOf('user-0')).toEqual([]);
      expect(growthMb).toBeLessThan(MAX_HEAP_GROWTH_AFTER_SWEEP_MB);
      // What the old design keeps forever is far above what remains after the sweep.
      expect(peakMb).toBeGreaterThan(2 * MAX_HEAP_GROWTH_AFTER_SWEEP_MB);
    },
    SLOW_TEST_TIMEOUT_MS,
  );
});
