import { describe, expect, it } from '@jest/globals';
import { createMemoryConnectionLimiter } from '../../src/index.js';
import type { GatewayTimers } from '../../src/index.js';
import { createHeartbeat, type PingTarget } from '../../src/heartbeat.js';
import { MinuteBucket } from '../../src/rate.js';
import { MAX_TIMER_MS, systemTimers } from '../../src/timers.js';
import { manualTimers } from '../support/manual-timers.js';

function pingTarget(): PingTarget & { pings: number; pong(): void; listeners: number } {
  const listeners = new Set<(this: PingTarget) => void>();
  const target = {
    pings: 0,
    ping() {
      this.pings += 1;
    },
    on: (_event: 'pong', listener: (this: PingTarget) => void) => listeners.add(listener),
    off: (_event: 'pong', listener: (this: PingTarget) => void) => listeners.delete(listener),
    // Like an EventEmitter: the listener runs with the emitter as `this`.
    pong: () => listeners.forEach((listener) => listener.call(target)),
    get listeners() {
      return listeners.size;
    },
  };
  return target;
}

function startHeartbeat(
  target: PingTarget,
  options: { intervalMs: number; timeoutMs: number; timers: GatewayTimers; onTimeout: () => void },
): { stop(): void } {
  const heartbeat = createHeartbeat<string>({ ...options, onTimeout: () => options.onTimeout() });
  heartbeat.add(target, 'owner');
  return { stop: () => heartbeat.remove(target) };
}

describe('MinuteBucket', () => {
  it('allows a burst of the limit, then refills over a minute', () => {
    let now = 0;
    const bucket = new MinuteBucket(3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.retryAfterMs()).toBe(20_000);
    now += 20_000;
    expect(bucket.retryAfterMs()).toBe(0);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 10 * 60_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('startHeartbeat', () => {
  it('pings each interval while pongs come back', () => {
    const timers = manualTimers();
    const target = pingTarget();
    let timeouts = 0;
    const beat = startHeartbeat(target, {
      intervalMs: 100,
      timeoutMs: 50,
      timers,
      onTimeout: () => (timeouts += 1),
    });
    for (let i = 0; i < 5; i += 1) {
      timers.advance(100);
      target.pong();
    }
    expect(target.pings).toBe(5);
    expect(timeouts).toBe(0);
    beat.stop();
    expect(timers.pending()).toBe(0);
    expect(target.listeners).toBe(0);
  });

  it('reports a peer that does not answer within the timeout, once', () => {
    const timers = manualTimers();
    const target = pingTarget();
    let timeouts = 0;
    startHeartbeat(target, {
      intervalMs: 100,
      timeoutMs: 150,
      timers,
      onTimeout: () => (timeouts += 1),
    });
    timers.advance(200);
    expect(target.pings).toBe(1);
    expect(timeouts).toBe(0);
    timers.advance(60);
    expect(timeouts).toBe(1);
  });

  it('survives a ping that throws and fires nothing after stop', () => {
    const timers = manualTimers();
    const target = pingTarget();
    target.ping = () => {
      throw new Error('closing');
    };
    let timeouts = 0;
    const beat = startHeartbeat(target, {
      intervalMs: 10,
      timeoutMs: 5,
      timers,
      onTimeout: () => (timeouts += 1),
    });
    timers.advance(10);
    beat.stop();
    beat.stop();
    timers.advance(100);
    expect(timeouts).toBe(0);
  });
});

describe('createHeartbeat (shared by every socket)', () => {
  it('keeps one interval and one deadline per round whatever the number of sockets', () => {
    const timers = manualTimers();
    const timedOut: string[] = [];
    const heartbeat = createHeartbeat<string>({
      intervalMs: 100,
      timeoutMs: 50,
      timers,
      onTimeout: (owner) => timedOut.push(owner),
    });
    const targets = Array.from({ length: 50 }, () => pingTarget());
    targets.forEach((target, i) => heartbeat.add(target, `s${i}`));
    heartbeat.add(targets[0]!, 'again');
    expect(heartbeat.size).toBe(50);
    expect(timers.pending()).toBe(1);
    timers.advance(100);
    expect(targets.every((target) => target.pings === 1)).toBe(true);
    expect(timers.pending()).toBe(2);
    targets.slice(1).forEach((target) => target.pong());
    timers.advance(50);
    expect(timedOut).toEqual(['s0']);
    timers.advance(50);
    // Every socket is pinged again, s0 too (a timeout is reported once per unanswered ping).
    expect(targets.every((target) => target.pings === 2)).toBe(true);
    timers.advance(50);
    expect(timedOut).toEqual(['s0', ...targets.map((_, i) => `s${i}`)]);
    targets.forEach((target) => heartbeat.remove(target));
    heartbeat.remove(targets[0]!);
    expect(heartbeat.size).toBe(0);
    expect(timers.pending()).toBe(0);
    expect(targets.every((target) => target.listeners === 0)).toBe(true);
  });

  it('reports a socket exactly timeoutMs after its ping when the timeout spans rounds', () => {
    const timers = manualTimers();
    const timedOut: number[] = [];
    const heartbeat = createHeartbeat<string>({
      intervalMs: 100,
      timeoutMs: 250,
      timers,
      onTimeout: () => timedOut.push(timers.now()),
    });
    const early = pingTarget();
    heartbeat.add(early, 'early');
    timers.advance(100);
    const late = pingTarget();
    heartbeat.add(late, 'late');
    timers.advance(500);
    expect(timedOut).toEqual([350, 450]);
    // One ping outstanding at a time: the next one only after the report.
    expect(early.pings).toBe(2);
    expect(late.pings).toBe(2);
    heartbeat.remove(early);
    heartbeat.remove(late);
    expect(timers.pending()).toBe(0);
  });
});

describe('createMemoryConnectionLimiter', () => {
  it('caps per user and frees the slot once per release', async () => {
    const limiter = createMemoryConnectionLimiter(2);
    const a = await limiter.acquire('u');
    const b = await limiter.acquire('u');
    expect((await limiter.acquire('u')).ok).toBe(false);
    expect((await limiter.acquire('v')).ok).toBe(true);
    if (!a.ok || !b.ok) throw new Error('expected slots');
    await a.release();
    await a.release();
    const c = await limiter.acquire('u');
    expect(c.ok).toBe(true);
    expect((await limiter.acquire('u')).ok).toBe(false);
  });
});

describe('systemTimers', () => {
  it('runs and clears unref()ed timers', async () => {
    let fired = 0;
    const handle = systemTimers.setTimeout(() => (fired += 1), 1);
    const cleared = systemTimers.setTimeout(() => (fired += 10), 1);
    systemTimers.clearTimeout(cleared);
    const interval = systemTimers.setInterval(() => (fired += 100), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    systemTimers.clearInterval(interval);
    expect(handle).toBeDefined();
    expect(fired % 100).toBe(1);
    expect(fired).toBeGreaterThanOrEqual(101);
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
  });
});
