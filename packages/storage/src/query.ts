import { StorageError } from './errors.js';
import type { GetMessagesOptions, ListSessionsFilter } from './store.js';
import {
  DEFAULT_LIST_LIMIT,
  DEFAULT_MESSAGES_LIMIT,
  MAX_LIST_LIMIT,
  MAX_MESSAGES_LIMIT,
} from './store.js';
import { assertSeq, assertSessionId, assertUserId } from './validation.js';

export interface SessionCursor {
  readonly createdAtMs: number;
  readonly id: string;
}

export interface NormalisedListFilter {
  readonly userId?: string;
  readonly active?: boolean;
  readonly limit: number;
  readonly after?: SessionCursor;
}

function invalid(message: string): StorageError {
  return new StorageError('ERR_STORAGE_INVALID_ARGUMENT', message);
}

function limitOf(value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw invalid(`limit must be an integer in 1..${max}`);
  }
  return value;
}

export function encodeCursor(cursor: SessionCursor): string {
  return Buffer.from(`${cursor.createdAtMs}.${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(value: unknown): SessionCursor {
  if (typeof value !== 'string' || value.length > 200) throw invalid('cursor is not valid');
  const text = Buffer.from(value, 'base64url').toString('utf8');
  const match = /^(-?\d{1,15})\.(.+)$/.exec(text);
  if (match === null) throw invalid('cursor is not valid');
  const id = match[2] as string;
  assertSessionId(id, 'cursor');
  return { createdAtMs: Number(match[1]), id };
}

export function normaliseListFilter(filter: ListSessionsFilter): NormalisedListFilter {
  if (typeof filter !== 'object' || filter === null) throw invalid('filter must be an object');
  if (filter.userId !== undefined) assertUserId(filter.userId);
  if (filter.active !== undefined && typeof filter.active !== 'boolean')
    throw invalid('active must be a boolean');
  return {
    ...(filter.userId === undefined ? {} : { userId: filter.userId }),
    ...(filter.active === undefined ? {} : { active: filter.active }),
    limit: limitOf(filter.limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT),
    ...(filter.cursor === undefined ? {} : { after: decodeCursor(filter.cursor) }),
  };
}

export function normaliseGetMessages(options: GetMessagesOptions | undefined): {
  afterSeq: number;
  limit: number;
} {
  const afterSeq = options?.afterSeq ?? 0;
  assertSeq(afterSeq, 'afterSeq', 0);
  return { afterSeq, limit: limitOf(options?.limit, DEFAULT_MESSAGES_LIMIT, MAX_MESSAGES_LIMIT) };
}

/** Newest first: createdAt descending, then id descending, the order both stores page in. */
export function compareNewestFirst(a: SessionCursor, b: SessionCursor): number {
  if (a.createdAtMs !== b.createdAtMs) return b.createdAtMs - a.createdAtMs;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}
