import { describe, expect, it } from '@jest/globals';
import { CallGuard, normaliseDeadlines } from '../../src/deadlines.js';
import { manualTimers } from '../helpers.js';

const deadlines = { firstTokenMs: 100, idleMs: 50, totalMs: 1_000 };

function guardWith(signal?: AbortSignal): {
  guard: CallGuard;
  time: ReturnType<typeof manualTimers>;
} {
  const time = manualTimers();
  return {
    guard: new CallGuard({
      deadlines,
      clock: time.clock,
      timers: time.timers,
      callerSignal: signal,
    }),
    time,
  };
}

describe('normaliseDeadlines', () => {
  it('defaults every deadline on', () => {
    expect(normaliseDeadlines({})).toEqual({
      firstTokenMs: 15_000,
      idleMs: 30_000,
      totalMs: 120_000,
    });
  });

  it('refuses zero, negative and fractional values', () => {
    expect(() => normaliseDeadlines({ firstTokenTimeoutMs: 0 })).toThrow(TypeError);
    expect(() => normaliseDeadlines({ idleTimeoutMs: -5 })).toThrow(TypeError);
    expect(() => normaliseDeadlines({ totalTimeoutMs: 1.5 })).toThrow(TypeError);
  });
});

describe('CallGuard', () => {
  it('fires the first-token deadline when no text arrives', () => {
    const { guard, time } = guardWith();
    time.advance(99);
    expect(guard.aborted).toBe(false);
    expect(guard.firstTokenBudgetMs()).toBe(1);
    time.advance(1);
    expect(guard.signal.aborted).toBe(true);
    expect(guard.error().code).toBe('ERR_LLM_FIRST_TOKEN_TIMEOUT');
    expect(guard.signal.reason).toMatchObject({ code: 'ERR_LLM_FIRST_TOKEN_TIMEOUT' });
    expect(time.pending()).toBe(0);
  });

  it('non-text events do not satisfy the first-token deadline', () => {
    const { guard, time } = guardWith();
    guard.received(false);
    time.advance(100);
    expect(guard.cause).toBe('first-token');
  });

  it('arms the idle deadline only after the first text, and only while waiting', () => {
    const { guard, time } = guardWith();
    guard.waiting();
    expect(time.pending()).toBe(2);
    guard.received(true);
    expect(guard.firstTokenBudgetMs()).toBe(0);
    time.advance(500);
    expect(guard.aborted).toBe(false);
    guard.waiting();
    time.advance(49);
    guard.received(false);
    guard.waiting();
    time.advance(49);
    expect(guard.aborted).toBe(false);
    time.advance(1);
    expect(guard.error()).toMatchObject({
      code: 'ERR_LLM_IDLE_TIMEOUT',
      partial: true,
      retryable: true,
    });
  });

  it('fires the total deadline even while text keeps flowing', () => {
    const { guard, time } = guardWith();
    guard.received(true);
    for (let i = 0; i < 25; i++) {
      guard.waiting();
      time.advance(40);
      guard.received(true);
    }
    expect(guard.error().code).toBe('ERR_LLM_DEADLINE');
    expect(guard.partial).toBe(true);
  });

  it('turns the caller abort into ERR_LLM_CANCELLED, not retryable', () => {
    const caller = new AbortController();
    const { guard, time } = guardWith(caller.signal);
    caller.abort();
    expect(guard.error()).toMatchObject({
      code: 'ERR_LLM_CANCELLED',
      retryable: false,
      partial: false,
    });
    expect(time.pending()).toBe(0);
  });

  it('starts aborted for an already aborted signal and arms nothing', () => {
    const { guard, time } = guardWith(AbortSignal.abort());
    expect(guard.cause).toBe('cancelled');
    expect(time.pending()).toBe(0);
  });

  it('keeps the first cause: a later abort changes nothing', () => {
    const { guard, time } = guardWith();
    guard.abort('closed');
    time.advance(10_000);
    guard.abort('cancelled');
    expect(guard.error()).toMatchObject({ code: 'ERR_LLM_UNAVAILABLE', retryable: true });
  });

  it('dispose clears timers and the caller listener without aborting', () => {
    const caller = new AbortController();
    const { guard, time } = guardWith(caller.signal);
    guard.dispose();
    guard.dispose();
    caller.abort();
    time.advance(10_000);
    expect(guard.aborted).toBe(false);
    expect(time.pending()).toBe(0);
    guard.waiting();
    expect(time.pending()).toBe(0);
  });
});
