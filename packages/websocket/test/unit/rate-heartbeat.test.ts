import { describe, expect, it } from '@jest/globals';
import { createMemoryConnectionLimiter } from '../../src/index.js';
import { startHeartbeat, type PingTarget } from '../../src/heartbeat.js';
import { MinuteBucket } from '../../src/rate.js';
import { MAX_TIMER_MS, systemTimers } from '../../src/timers.js';
import { manualTimers } from '../support/manual-timers.js';

function pingTarget(): PingTarget & { pings: number; pong(): void; listeners: number } {
  const listeners = new Set<() => void>();
  return {
    pings: 0,
    ping() {
      this.pings += 1;
    },
    on: (_event, listener) => listeners.add(listener),
    off: (_event, listener) => listeners.delete(listener),
    pong: () => listeners.forEach((listener) => listener()),
    get listeners() {
      return listeners.size;
    },
  };
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
