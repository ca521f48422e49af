import { describe, expect, it } from '@jest/globals';
import { WriteCoalescer, type Corkable } from '../../src/cork.js';
import { createExpiryQueue } from '../../src/expiry.js';
import { MAX_TIMER_MS } from '../../src/timers.js';
import { manualTimers } from '../support/manual-timers.js';

function queue() {
  const timers = manualTimers();
  const expired: string[] = [];
  const expiry = createExpiryQueue<string>({
    clock: () => timers.now(),
    timers,
    onExpired: (owner) => expired.push(owner),
  });
  return { timers, expired, expiry };
}

describe('createExpiryQueue', () => {
  it('expires owners in time order with a single timer', () => {
    const { timers, expired, expiry } = queue();
    const times = [500, 100, 900, 300, 700, 200, 800, 400, 600, 1000];
    times.forEach((at) => expiry.add(`t${at}`, at));
    expect(expiry.size).toBe(10);
    expect(timers.pending()).toBe(1);
    timers.advance(350);
    expect(expired).toEqual(['t100', 't200', 't300']);
    expiry.remove('t700');
    expiry.remove('t700');
    expiry.remove('t400');
    expiry.add('t1000', 450);
    timers.advance(10_000);
    expect(expired).toEqual(['t100', 't200', 't300', 't1000', 't500', 't600', 't800', 't900']);
    expect(expiry.size).toBe(0);
    expect(timers.pending()).toBe(0);
  });

  it('re-arms for an earlier entry, drops the timer when empty and never overflows setTimeout', () => {
    const { timers, expired, expiry } = queue();
    const far = 3 * MAX_TIMER_MS;
    expiry.add('far', far);
    expiry.add('soon', 50);
    expect(timers.pending()).toBe(1);
    timers.advance(50);
    expect(expired).toEqual(['soon']);
    timers.advance(MAX_TIMER_MS);
    expect(expired).toEqual(['soon']);
    expect(timers.pending()).toBe(1);
    expiry.remove('far');
    expect(timers.pending()).toBe(0);
    expiry.add('late', far);
    timers.advance(far);
    expect(expired).toEqual(['soon', 'late']);
  });

  it('keeps heap order under random adds and removals', () => {
    const { timers, expired, expiry } = queue();
    let seed = 7;
    const random = (): number => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const live = new Map<string, number>();
    for (let i = 0; i < 500; i += 1) {
      const name = `o${i}`;
      const at = 1 + Math.floor(random() * 10_000);
      expiry.add(name, at);
      live.set(name, at);
      if (random() < 0.3) {
        const victim = `o${Math.floor(random() * i)}`;
        expiry.remove(victim);
        live.delete(victim);
      }
    }
    timers.advance(20_000);
    const expected = [...live.entries()].sort((a, b) => a[1] - b[1]).map(([name]) => name);
    expect(expired.map((name) => live.get(name))).toEqual(expected.map((name) => live.get(name)));
    expect(new Set(expired)).toEqual(new Set(expected));
  });
});

function fakeSocket(): Corkable & {
  writes: string[];
  flushed: string[][];
  write(s: string): void;
} {
  let corked = 0;
  let pending: string[] = [];
  const socket = {
    writes: [] as string[],
    flushed: [] as string[][],
    get writableCorked() {
      return corked;
    },
    cork() {
      corked += 1;
    },
    uncork() {
      if (corked === 0) return;
      corked -= 1;
      if (corked === 0 && pending.length > 0) {
        socket.flushed.push(pending);
        pending = [];
      }
    },
    write(chunk: string) {
      socket.writes.push(chunk);
      if (corked > 0) pending.push(chunk);
      else socket.flushed.push([chunk]);
    },
  };
  return socket;
}

describe('WriteCoalescer', () => {
  it('writes what one callback and its promise chain send as one batch per socket', async () => {
    const coalescer = new WriteCoalescer();
    const a = fakeSocket();
    const b = fakeSocket();
    const send = (socket: ReturnType<typeof fakeSocket>, frame: string): void => {
      coalescer.hold(socket);
      socket.write(frame);
    };
    send(a, 'ack');
    send(b, 'ack');
    await Promise.resolve();
    send(a, 'delta');
    await Promise.resolve().then(() => undefined);
    send(a, 'done');
    expect(a.flushed).toEqual([]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(a.flushed).toEqual([['ack', 'delta', 'done']]);
    expect(b.flushed).toEqual([['ack']]);
    expect(a.writableCorked).toBe(0);
    send(a, 'next');
    coalescer.release(a);
    coalescer.release(a);
    expect(a.flushed).toEqual([['ack', 'delta', 'done'], ['next']]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(a.writableCorked).toBe(0);
  });
});
