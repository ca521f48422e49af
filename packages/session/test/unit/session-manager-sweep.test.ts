import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { Writable } from 'node:stream';
import { DEFAULT_SWEEP_INTERVAL_MS } from '../../src/options.js';
import type { SessionManagerOptions } from '../../src/options.js';
import { createSessionManager } from '../../src/session-manager.js';
import type { SessionManager } from '../../src/session-manager-api.js';
import type { SessionSnapshot } from '../../src/types.js';
import { fakeClock, fakeTimers } from '../support/fakes.js';

const MINUTE_MS = 60_000;

function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback): void {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return {
    logger: pino({ level: 'error' }, stream),
    lines: () => chunks.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('session manager: sweeping, retention and the serial queue', () => {
  const opened: SessionManager[] = [];
  const open = (options: SessionManagerOptions = {}): SessionManager => {
    const manager = createSessionManager({ sweepIntervalMs: 0, ...options });
    opened.push(manager);
    return manager;
  };
  afterEach(() => {
    for (const manager of opened.splice(0)) manager.close();
  });

  it('evicts ended sessions once their retention has passed, and only then', () => {
    const clock = fakeClock();
    const onEvict = jest.fn<(id: string) => void>();
    const manager = open({ clock: clock.now, retentionMs: 15 * MINUTE_MS, onEvict });
    const early = manager.create('u');
    const late = manager.create('u');
    manager.end(early.id);
    clock.advance(5 * MINUTE_MS);
    manager.end(late.id);
    clock.advance(10 * MINUTE_MS - 1);
    expect(manager.sweep()).toEqual({ evicted: 0, idleEnded: 0 });
    clock.advance(1);
    expect(manager.sweep()).toEqual({ evicted: 1, idleEnded: 0 });
    expect(manager.has(early.id)).toBe(false);
    expect(manager.has(late.id)).toBe(true);
    expect(onEvict).toHaveBeenCalledWith(early.id);
    clock.advance(5 * MINUTE_MS);
    expect(manager.sweep().evicted).toBe(1);
    expect(manager.stats()).toMatchObject({ active: 0, endedRetained: 0, evictedTotal: 2 });
  });

  it('holds at most maxEndedRetained ended sessions, evicting the oldest ended first', () => {
    const onEvict = jest.fn<(id: string) => void>();
    const manager = open({ maxEndedRetained: 2, onEvict });
    const ids = [1, 2, 3, 4].map(() => manager.create('u').id);
    for (const id of [ids[2]!, ids[0]!, ids[3]!, ids[1]!]) manager.end(id);
    expect(onEvict.mock.calls.map(([id]) => id)).toEqual([ids[2], ids[0]]);
    expect(manager.stats().endedRetained).toBe(2);
    expect(manager.has(ids[3]!)).toBe(true);
    expect(manager.has(ids[1]!)).toBe(true);
  });

  it('returns the final snapshot from end even when the cap evicts it at once', () => {
    const manager = open({ maxEndedRetained: 0 });
    const { id } = manager.create('u');
    expect(manager.end(id).isActive).toBe(false);
    expect(manager.has(id)).toBe(false);
  });

  it('ends idle sessions, least recently active first, and reports them', () => {
    const clock = fakeClock();
    const onIdleEnd = jest.fn<(snapshot: SessionSnapshot) => void>();
    const manager = open({ clock: clock.now, idleTimeoutMs: 10 * MINUTE_MS, onIdleEnd });
    const quiet = manager.create('u');
    const busy = manager.create('u');
    const touched = manager.create('u');
    clock.advance(6 * MINUTE_MS);
    manager.appendMessage(busy.id, { role: 'user', content: 'x', status: 'complete' });
    manager.touch(touched.id);
    clock.advance(4 * MINUTE_MS);
    expect(manager.sweep()).toEqual({ evicted: 0, idleEnded: 1 });
    expect(manager.get(quiet.id)).toMatchObject({ isActive: false });
    expect(onIdleEnd).toHaveBeenCalledWith(
      expect.objectContaining({ id: quiet.id, isActive: false }),
    );
    expect(manager.activeSessionsOf('u')).toEqual([busy.id, touched.id]);
    clock.advance(6 * MINUTE_MS);
    expect(manager.sweep().idleEnded).toBe(2);
    expect(manager.stats()).toMatchObject({ active: 0, idleEndedTotal: 3 });
  });

  it('does not end an idle session with work in its queue', async () => {
    const clock = fakeClock();
    const manager = open({ clock: clock.now, idleTimeoutMs: MINUTE_MS });
    const { id } = manager.create('u');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const work = manager.runExclusive(id, () => gate);
    clock.advance(2 * MINUTE_MS);
    expect(manager.sweep().idleEnded).toBe(0);
    release();
    await work;
    await new Promise((resolve) => setImmediate(resolve));
    expect(manager.sweep().idleEnded).toBe(1);
  });

  it('never idles a session out when idleTimeoutMs is Infinity', () => {
    const clock = fakeClock();
    const manager = open({ clock: clock.now, idleTimeoutMs: Number.POSITIVE_INFINITY });
    manager.create('u');
    clock.advance(365 * 24 * 60 * MINUTE_MS);
    expect(manager.sweep().idleEnded).toBe(0);
  });

  it('runs the sweeper on an unref()ed interval and stops it on close', () => {
    const clock = fakeClock();
    const fake = fakeTimers();
    const manager = createSessionManager({
      clock: clock.now,
      timers: fake.timers,
      retentionMs: MINUTE_MS,
    });
    const [handle] = [...fake.handles];
    expect(handle?.ms).toBe(DEFAULT_SWEEP_INTERVAL_MS);
    expect(handle?.unrefCalls).toBe(1);
    const { id } = manager.create('u');
    manager.end(id);
    clock.advance(MINUTE_MS);
    fake.fire();
    expect(manager.has(id)).toBe(false);
    manager.close();
    manager.close();
    expect(fake.handles.size).toBe(0);
  });

  it('uses the real timers by default without keeping the process alive', () => {
    const spy = jest.spyOn(globalThis, 'setInterval');
    try {
      const manager = createSessionManager({ sweepIntervalMs: 1_000 });
      opened.push(manager);
      const handle = spy.mock.results[0]?.value as NodeJS.Timeout;
      expect(spy).toHaveBeenCalledWith(expect.any(Function), 1_000);
      expect(handle.hasRef()).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });

  it('logs a throwing hook or sweep instead of breaking the sweeper', () => {
    const clock = fakeClock();
    const fake = fakeTimers();
    const { logger, lines } = capturingLogger();
    let evictions = 0;
    const manager = createSessionManager({
      clock: clock.now,
      timers: fake.timers,
      logger,
      retentionMs: 0,
      idleTimeoutMs: MINUTE_MS,
      onEvict: () => {
        evictions += 1;
        throw new Error('hook failed');
      },
      onIdleEnd: () => {
        throw new Error('idle hook failed');
      },
    });
    opened.push(manager);
    manager.create('u');
    clock.advance(MINUTE_MS);
    fake.fire();
    expect(evictions).toBe(1);
    expect(manager.stats()).toMatchObject({ active: 0, endedRetained: 0 });
    expect(lines().map((line) => line.hook)).toEqual(['onIdleEnd', 'onEvict']);
  });

  it('logs a sweep that throws from the interval', () => {
    const fake = fakeTimers();
    const { logger, lines } = capturingLogger();
    const manager = createSessionManager({
      timers: fake.timers,
      logger,
      clock: () => {
        throw new Error('clock failed');
      },
    });
    opened.push(manager);
    expect(() => fake.fire()).not.toThrow();
    expect(lines()[0]?.msg).toBe('session sweep failed');
  });

  it('serialises runExclusive per session and cleans its queue up', async () => {
    const manager = open();
    const { id } = manager.create('u');
    const order: number[] = [];
    const tasks = [0, 1, 2].map((i) =>
      manager.runExclusive(id, async () => {
        const { lastSeq } = manager.snapshot(id);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(i);
        return (
          manager.appendMessage(id, { role: 'user', content: String(i), status: 'complete' }).seq -
          lastSeq
        );
      }),
    );
    expect(manager.stats().queued).toBe(3);
    await expect(Promise.all(tasks)).resolves.toEqual([1, 1, 1]);
    expect(order).toEqual([0, 1, 2]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(manager.stats().queued).toBe(0);
  });

  it('rejects runExclusive on an unknown session and beyond the queue bound', async () => {
    const manager = open({ maxQueuedPerSession: 1 });
    await expect(manager.runExclusive('missing', async () => 1)).rejects.toMatchObject({
      code: 'ERR_SESSION_NOT_FOUND',
    });
    const { id } = manager.create('u');
    const first = manager.runExclusive(id, async () => 1);
    await expect(manager.runExclusive(id, async () => 2)).rejects.toMatchObject({
      code: 'ERR_SESSION_QUEUE_FULL',
    });
    await expect(first).resolves.toBe(1);
  });
});
