import type { RateLimitDecision } from './types.js';

/**
 * Finding 11: GCRA keeps one number per key (the theoretical arrival time, TAT), never an event
 * list, so memory is O(active keys) whatever the traffic. A key holds a bucket of `limit` units
 * that refills continuously at `limit` per `windowMs`. Times are integer microseconds so the
 * in-memory and Redis (Lua doubles) implementations compute the same exact results.
 */
export interface GcraParams {
  readonly limit: number;
  /** Microseconds per unit: floor(windowMs * 1000 / limit), at least 1. */
  readonly intervalUs: number;
  /** intervalUs * limit: how far ahead of now a key's TAT may run. */
  readonly burstUs: number;
}

export function gcraParams(limit: number, windowMs: number): GcraParams {
  const intervalUs = Math.floor((windowMs * 1000) / limit);
  return { limit, intervalUs, burstUs: intervalUs * limit };
}

/** `tatRelUs` is max(TAT - now, 0): 0 for an unknown or fully refilled key. */
export function isAllowed(params: GcraParams, tatRelUs: number, cost: number): boolean {
  return tatRelUs + params.intervalUs * cost <= params.burstUs;
}

/** The decision for a request of `cost`; `committed` says whether an allowed cost was consumed. */
export function describeDecision(
  params: GcraParams,
  tatRelUs: number,
  cost: number,
  allowed: boolean,
  committed: boolean,
): RateLimitDecision {
  const requestedUs = tatRelUs + params.intervalUs * cost;
  const afterUs = allowed && committed ? requestedUs : tatRelUs;
  return {
    allowed,
    remaining: Math.max(0, Math.floor((params.burstUs - afterUs) / params.intervalUs)),
    retryAfterMs: allowed ? 0 : Math.max(1, Math.ceil((requestedUs - params.burstUs) / 1000)),
    limit: params.limit,
    resetMs: Math.ceil(afterUs / 1000),
  };
}
