import type { StorageConfig } from '@chatbox/config';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '@chatbox/router';

/** Heartbeats per stale period: the router needs at least two, a third absorbs one slow write. */
export const HEARTBEATS_PER_STALE_PERIOD = 3;
export const MIN_SWEEP_INTERVAL_MS = 1_000;
export const MAX_SWEEP_INTERVAL_MS = 60_000;

/** How fast a dead instance's reply is noticed, and how closely another instance follows a live one. */
export interface ClusterTiming {
  /** A streaming reply's stored heartbeat is refreshed at least this often by its instance. */
  readonly heartbeatIntervalMs: number;
  /** A reply whose heartbeat is older than this is marked `interrupted` by any instance's sweep. */
  readonly staleStreamingAfterMs: number;
  /** How often each instance sweeps; a dead instance's reply is marked within stale + sweep time. */
  readonly sweepIntervalMs: number;
  /** How often a reply streaming on another instance is read from storage. */
  readonly followIntervalMs: number;
}

/**
 * Derived from the storage settings rather than configured one by one, so they cannot disagree:
 * config already checks that the stale time outlasts the longest model silence plus one flush.
 */
export function clusterTiming(
  storage: Pick<StorageConfig, 'staleStreamingAfterMs' | 'streamFlushIntervalMs'>,
): ClusterTiming {
  const staleStreamingAfterMs = storage.staleStreamingAfterMs;
  return {
    heartbeatIntervalMs: Math.min(
      DEFAULT_HEARTBEAT_INTERVAL_MS,
      Math.floor(staleStreamingAfterMs / HEARTBEATS_PER_STALE_PERIOD),
    ),
    staleStreamingAfterMs,
    sweepIntervalMs: Math.min(
      MAX_SWEEP_INTERVAL_MS,
      Math.max(MIN_SWEEP_INTERVAL_MS, Math.floor(staleStreamingAfterMs / 2)),
    ),
    // Storage trails a live stream by at most one flush: reading more often finds nothing new.
    followIntervalMs: storage.streamFlushIntervalMs,
  };
}
