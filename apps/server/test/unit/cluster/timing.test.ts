import { describe, expect, it } from '@jest/globals';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '@chatbox/router';
import {
  clusterTiming,
  MAX_SWEEP_INTERVAL_MS,
  MIN_SWEEP_INTERVAL_MS,
} from '../../../src/cluster/timing.js';

describe('cluster timing', () => {
  it('keeps three heartbeats per stale period and sweeps twice per period', () => {
    expect(clusterTiming({ staleStreamingAfterMs: 3_000, streamFlushIntervalMs: 200 })).toEqual({
      heartbeatIntervalMs: 1_000,
      staleStreamingAfterMs: 3_000,
      sweepIntervalMs: 1_500,
      followIntervalMs: 200,
    });
  });

  it('caps the heartbeat at the router default and bounds the sweep interval', () => {
    const long = clusterTiming({
      staleStreamingAfterMs: 2 * 3_600_000,
      streamFlushIntervalMs: 500,
    });
    expect(long.heartbeatIntervalMs).toBe(DEFAULT_HEARTBEAT_INTERVAL_MS);
    expect(long.sweepIntervalMs).toBe(MAX_SWEEP_INTERVAL_MS);
    const short = clusterTiming({ staleStreamingAfterMs: 1_000, streamFlushIntervalMs: 50 });
    expect(short.sweepIntervalMs).toBe(MIN_SWEEP_INTERVAL_MS);
    expect(short.staleStreamingAfterMs).toBeGreaterThanOrEqual(2 * short.heartbeatIntervalMs);
  });
});
