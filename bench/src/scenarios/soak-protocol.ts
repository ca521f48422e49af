export interface SoakPayload {
  readonly sessions: number;
  readonly limiterEvents: number;
  /** Sessions open at once: each cycle creates one and ends the oldest. */
  readonly liveSessions: number;
  readonly limiterKeys: number;
  readonly sampleEvery: number;
  /** Sessions between full collections that measure the live heap. */
  readonly liveSampleEvery: number;
}

export interface MemoryPoint {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export interface SoakResult {
  readonly start: MemoryPoint;
  /** Highest sample, garbage not yet collected included. */
  readonly peak: MemoryPoint;
  /** Highest heap held after a full collection (checkpoints during the churn). */
  readonly livePeakHeapBytes: number;
  /** Everything ended, ended sessions still retained, limiter keys still held. */
  readonly beforeRetention: MemoryPoint;
  /** After the retention window passed: sweep() and cleanup() ran. */
  readonly end: MemoryPoint;
  readonly retainedBeforeSweep: number;
  readonly limiterKeysBeforeCleanup: number;
  readonly sessionsPerSecond: number;
  readonly limiterEventsPerSecond: number;
}

export type SoakCommands = {
  soak: { payload: SoakPayload; result: SoakResult };
};
