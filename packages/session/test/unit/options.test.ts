import { describe, expect, it } from '@jest/globals';
import { SessionError, isSessionError } from '../../src/errors.js';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_ACTIVE_SESSIONS,
  DEFAULT_MAX_ENDED_RETAINED,
  DEFAULT_MAX_HISTORY_MESSAGES,
  DEFAULT_MAX_QUEUED_PER_SESSION,
  DEFAULT_RETENTION_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  normalizeOptions,
} from '../../src/options.js';
import type { SessionManagerOptions } from '../../src/options.js';

describe('normalizeOptions', () => {
  it('fills every default', () => {
    const options = normalizeOptions();
    expect(options).toMatchObject({
      retentionMs: DEFAULT_RETENTION_MS,
      maxEndedRetained: DEFAULT_MAX_ENDED_RETAINED,
      idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
      maxHistoryMessages: DEFAULT_MAX_HISTORY_MESSAGES,
      sweepIntervalMs: DEFAULT_SWEEP_INTERVAL_MS,
      maxQueuedPerSession: DEFAULT_MAX_QUEUED_PER_SESSION,
      maxActiveSessions: DEFAULT_MAX_ACTIVE_SESSIONS,
      onEvict: undefined,
      onIdleEnd: undefined,
      responseTimes: {},
    });
    expect(DEFAULT_RETENTION_MS).toBe(15 * 60_000);
    expect(options.clock).toBe(Date.now);
    expect(options.idSource()).toMatch(/^[0-9a-f-]{36}$/);
    expect(options.logger.level).toBe('silent');
  });

  it('accepts zero durations and counts where they make sense', () => {
    const options = normalizeOptions({ retentionMs: 0, maxEndedRetained: 0, sweepIntervalMs: 0 });
    expect(options).toMatchObject({ retentionMs: 0, maxEndedRetained: 0, sweepIntervalMs: 0 });
  });

  it('refuses every invalid option with ERR_SESSION_INVALID_OPTIONS', () => {
    const invalid: SessionManagerOptions[] = [
      { retentionMs: -1 },
      { retentionMs: Number.NaN },
      { idleTimeoutMs: '5' as never },
      { maxEndedRetained: -1 },
      { maxEndedRetained: 1.5 },
      { maxHistoryMessages: 0 },
      { maxQueuedPerSession: 0 },
      { maxActiveSessions: 0 },
      { sweepIntervalMs: Number.POSITIVE_INFINITY },
      { clock: 5 as never },
      { idSource: 'x' as never },
      { timers: { setInterval: 1, clearInterval: 2 } as never },
      { onEvict: 'x' as never },
      { onIdleEnd: 'x' as never },
    ];
    for (const options of invalid) {
      let caught: unknown;
      try {
        normalizeOptions(options);
      } catch (error) {
        caught = error;
      }
      expect(isSessionError(caught)).toBe(true);
      expect((caught as SessionError).code).toBe('ERR_SESSION_INVALID_OPTIONS');
    }
  });

  it('makes SessionError a real Error that keeps its cause', () => {
    const cause = new Error('root');
    const error = new SessionError('ERR_SESSION_NOT_FOUND', 'missing', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SessionError');
    expect(error.cause).toBe(cause);
    expect(isSessionError(new Error('x'))).toBe(false);
  });
});
