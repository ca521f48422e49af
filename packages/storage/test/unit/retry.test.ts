import { describe, expect, it, jest } from '@jest/globals';
import type { WithRetryOptions } from '../../src/index.js';
import { StorageError, withRetry } from '../../src/index.js';
import { backoffDelayMs } from '../../src/retry.js';

const transient = (): Error => Object.assign(new Error('reset'), { code: 'ECONNRESET' });

/** A fake clock that only moves when the fake sleep is called. */
function fakeTime(): Pick<WithRetryOptions, 'clock' | 'sleep'> & {
  sleeps: number[];
  now: () => number;
} {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, deadlineMs: 10_000 };

describe('withRetry', () => {
  it('retries a transient failure once and returns the second result', async () => {
    const time = fakeTime();
    const onRetry = jest.fn();
    const op = jest.fn(async (attempt: number) => {
      if (attempt === 1) throw transient();
      return 'ok';
    });
    await expect(withRetry(op, { ...policy, ...time, random: () => 0.5, onRetry })).resolves.toBe(
      'ok',
    );
    expect(op).toHaveBeenCalledTimes(2);
    expect(onRetry).toHaveBeenCalledWith(expect.objectContaining({ attempt: 1, delayMs: 50 }));
    expect(time.sleeps).toEqual([50]);
  });

  it('rethrows a non-transient error unchanged after one attempt', async () => {
    const duplicate = Object.assign(new Error('E11000'), { code: 11000 });
    const op = jest.fn(async () => {
      throw duplicate;
    });
    await expect(withRetry(op, { ...policy, ...fakeTime() })).rejects.toBe(duplicate);
    expect(op).toHaveBeenCalledTimes(1);
  });

  it('gives up after the attempt bound with ERR_STORAGE_UNAVAILABLE carrying the last error', async () => {
    const last = transient();
    const op = jest.fn(async () => {
      throw last;
    });
    const error = await withRetry(op, { ...policy, ...fakeTime(), random: () => 0.99 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'ERR_STORAGE_UNAVAILABLE', cause: last, retryable: true });
    expect(op).toHaveBeenCalledTimes(5);
  });

  it('draws every delay below the exponential cap (full jitter)', () => {
    const caps = [100, 200, 400, 800, 1_000, 1_000];
    caps.forEach((cap, i) => {
      expect(backoffDelayMs(i + 1, policy, () => 0)).toBe(0);
      expect(backoffDelayMs(i + 1, policy, () => 0.999_999)).toBe(cap - 1);
    });
  });

  it('never sleeps past the overall deadline', async () => {
    const time = fakeTime();
    const op = jest.fn(async () => {
      throw transient();
    });
    const error = await withRetry(op, {
      attempts: 100,
      baseDelayMs: 100,
      maxDelayMs: 400,
      deadlineMs: 1_000,
      ...time,
      random: () => 0.999,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORAGE_UNAVAILABLE' });
    expect(time.now()).toBeLessThan(1_000);
    expect(op.mock.calls.length).toBeLessThan(100);
  });

  it('abandons an attempt that outlives the deadline', async () => {
    const started = Date.now();
    let signalled: AbortSignal | undefined;
    const error = await withRetry(
      (_attempt, signal) => {
        signalled = signal;
        return new Promise<never>(() => undefined);
      },
      { ...policy, deadlineMs: 50 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORAGE_UNAVAILABLE' });
    expect(signalled?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops at once when aborted, during an attempt or a backoff', async () => {
    const controller = new AbortController();
    const pending = withRetry(() => new Promise<never>(() => undefined), {
      ...policy,
      signal: controller.signal,
    });
    controller.abort(new Error('shutdown'));
    await expect(pending).rejects.toMatchObject({ code: 'ERR_STORAGE_ABORTED' });
    await expect(
      withRetry(async () => 1, { ...policy, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'ERR_STORAGE_ABORTED',
    });
    const during = new AbortController();
    const sleeping = withRetry(
      async () => {
        setTimeout(() => during.abort(), 5);
        throw transient();
      },
      {
        ...policy,
        baseDelayMs: 10_000,
        maxDelayMs: 10_000,
        deadlineMs: 60_000,
        random: () => 0.5,
        signal: during.signal,
      },
    );
    await expect(sleeping).rejects.toMatchObject({ code: 'ERR_STORAGE_ABORTED' });
  });

  it('accepts a custom classifier and turns a synchronous throw into a rejection', async () => {
    const op = jest.fn((attempt: number): Promise<string> => {
      if (attempt < 3) throw new Error('flaky');
      return Promise.resolve('third');
    });
    await expect(
      withRetry(op, { ...policy, ...fakeTime(), isTransient: () => true }),
    ).resolves.toBe('third');
  });

  it.each([
    [{ attempts: 0 }, /attempts/],
    [{ baseDelayMs: -1 }, /baseDelayMs/],
    [{ maxDelayMs: 50 }, /maxDelayMs/],
    [{ deadlineMs: 0 }, /deadlineMs/],
  ])('refuses invalid options %o', async (override, message) => {
    await expect(withRetry(async () => 1, { ...policy, ...override })).rejects.toThrow(message);
  });
});
