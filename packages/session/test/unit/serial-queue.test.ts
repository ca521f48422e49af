import { describe, expect, it } from '@jest/globals';
import { createKeyedSerialQueue } from '../../src/serial-queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('createKeyedSerialQueue', () => {
  it('runs the tasks of one key one at a time, in FIFO order', async () => {
    const queue = createKeyedSerialQueue(10);
    const events: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) =>
      queue.run('a', async () => {
        events.push(`start ${String(i)}`);
        await gate.promise;
        events.push(`end ${String(i)}`);
        return i;
      }),
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(events).toEqual(['start 0']);
    gates[2]!.resolve();
    gates[1]!.resolve();
    gates[0]!.resolve();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2]);
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('runs different keys independently', async () => {
    const queue = createKeyedSerialQueue(10);
    const gate = deferred();
    const blocked = queue.run('a', () => gate.promise);
    await expect(queue.run('b', async () => 'b done')).resolves.toBe('b done');
    expect(queue.pending('a')).toBe(1);
    gate.resolve();
    await blocked;
  });

  it('keeps going after a task rejects or throws synchronously', async () => {
    const queue = createKeyedSerialQueue(10);
    const failing = queue.run('a', async () => {
      throw new Error('boom');
    });
    const throwing = queue.run('a', () => {
      throw new Error('sync boom');
    });
    const next = queue.run('a', async () => 'still works');
    await expect(failing).rejects.toThrow('boom');
    await expect(throwing).rejects.toThrow('sync boom');
    await expect(next).resolves.toBe('still works');
  });

  it('drops a lane as soon as it is empty, so nothing leaks', async () => {
    const queue = createKeyedSerialQueue(10);
    const runs: Promise<unknown>[] = [];
    for (let key = 0; key < 100; key += 1) {
      runs.push(queue.run(String(key), async () => key));
      runs.push(
        queue.run(String(key), async () => Promise.reject(new Error('x'))).catch(() => undefined),
      );
    }
    expect(queue.lanes()).toBe(100);
    expect(queue.pending()).toBe(200);
    await Promise.all(runs);
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.lanes()).toBe(0);
    expect(queue.pending()).toBe(0);
    expect(queue.pending('0')).toBe(0);
  });

  it('refuses a task beyond the per-key bound without disturbing the queued ones', async () => {
    const queue = createKeyedSerialQueue(2);
    const gate = deferred();
    const first = queue.run('a', () => gate.promise);
    const second = queue.run('a', async () => 'second');
    await expect(queue.run('a', async () => 'third')).rejects.toMatchObject({
      code: 'ERR_SESSION_QUEUE_FULL',
    });
    expect(queue.pending('a')).toBe(2);
    gate.resolve();
    await first;
    await expect(second).resolves.toBe('second');
  });
});
