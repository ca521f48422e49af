import { randomUUID } from 'node:crypto';
import type { ChatMessage, ResponseTimeSummary, SessionSnapshot } from '@chatbox/session';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const EMPTY_TIMES: ResponseTimeSummary = Object.freeze({
  count: 0,
  meanMs: 0,
  minMs: 0,
  maxMs: 0,
  p50Ms: 0,
  p95Ms: 0,
  p99Ms: 0,
});

export function makeSnapshot(overrides: Partial<SessionSnapshot> = {}): SessionSnapshot {
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2025, 0, 1, 12, 0, 0, 123));
  const snapshot: Mutable<SessionSnapshot> = {
    id: randomUUID(),
    userId: 'user-1',
    isActive: true,
    createdAt,
    updatedAt: createdAt,
    lastSeq: 0,
    messageCount: 0,
    totalInputTokens: 0,
    totalOutputTokens: 0,
    responseTimes: EMPTY_TIMES,
    version: 1,
    ...overrides,
  };
  return Object.freeze(snapshot);
}

export function endedSnapshot(
  base: SessionSnapshot,
  endTime: Date,
  versionStep = 1,
): SessionSnapshot {
  return Object.freeze({
    ...base,
    isActive: false,
    endTime,
    updatedAt: endTime,
    version: base.version + versionStep,
  });
}

export function makeMessage(
  overrides: Partial<ChatMessage> & Pick<ChatMessage, 'sessionId' | 'seq'>,
): ChatMessage {
  const at = overrides.createdAt ?? new Date(Date.UTC(2025, 0, 1, 12, 0, overrides.seq, 7));
  const message: Mutable<ChatMessage> = {
    role: 'user',
    content: `message ${overrides.seq}`,
    status: 'complete',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
  return Object.freeze(message);
}

/** Strips what the store may legitimately change (nothing of a snapshot) for deep comparison. */
export function plain<T>(value: T): T {
  return structuredClone(value);
}

/** The value a synchronous call throws, or undefined. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
