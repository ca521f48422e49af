import { MongoError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';

// reliability.md: the driver retries once at most (writes only on replica sets), and a reset on an
// idle pooled connection surfaced as a plain ECONNRESET with no label, so labels, error classes and
// raw socket codes are all checked here. Classes and labels, never message text.
const TRANSIENT_LABELS = [
  'RetryableWriteError',
  'TransientTransactionError',
  'PoolRequestedRetry',
  'SystemOverloadedError',
];
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
]);
// Local overload, not a fault of the server: every pooled connection is busy and the request
// waited `waitQueueTimeoutMs` for one. Retrying puts the same request back into the same queue
// (the bench saw retries multiply the load until throughput collapsed), so it is never retried:
// the caller gets ERR_STORAGE_UNAVAILABLE (retryable) at once and the client backs off.
const OVERLOAD_NAMES: ReadonlySet<string> = new Set(['MongoWaitQueueTimeoutError']);
const TRANSIENT_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
]);
// Server codes of a primary that is stepping down or shutting down (the driver's retryable set).
const TRANSIENT_SERVER_CODES: ReadonlySet<number> = new Set([
  6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
]);
// Never retried: a retry cannot change the answer. 11000/11001 duplicate key, 121 validation,
// 13 unauthorized, 18 authentication failed, 2 bad value, 14 type mismatch.
const PERMANENT_SERVER_CODES: ReadonlySet<number> = new Set([2, 13, 14, 18, 121, 11000, 11001]);
const MAX_CAUSE_DEPTH = 5;

export const DUPLICATE_KEY_CODE = 11000;

function codeOf(error: object): unknown {
  return (error as { code?: unknown }).code;
}

export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = codeOf(error);
  return code === DUPLICATE_KEY_CODE || code === 11001;
}

/**
 * The error this one wraps: its `cause`, or for the bulk API (insertMany), the driver error it was
 * built from. A network error or a wait-queue timeout during insertMany surfaces as a
 * MongoBulkWriteError without labels, keeping the original only as `errorResponse`.
 */
function wrappedBy(error: object): unknown {
  const { cause } = error as { cause?: unknown };
  if (cause !== undefined) return cause;
  if (error instanceof Error && error.name === 'MongoBulkWriteError') {
    const original = (error as { errorResponse?: unknown }).errorResponse;
    if (original instanceof Error) return original;
  }
  return undefined;
}

/** True when the driver's connection pool was exhausted (wait-queue timeout), also as a `cause`. */
export function isPoolOverloadError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth += 1) {
    if (!(current instanceof Error)) return false;
    if (OVERLOAD_NAMES.has(current.name)) return true;
    current = wrappedBy(current);
  }
  return false;
}

function isTransientOne(error: object): boolean | undefined {
  if (error instanceof Error && OVERLOAD_NAMES.has(error.name)) return false;
  const code = codeOf(error);
  if (typeof code === 'number' && PERMANENT_SERVER_CODES.has(code)) return false;
  if (error instanceof MongoError && TRANSIENT_LABELS.some((label) => error.hasErrorLabel(label)))
    return true;
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return true;
  if (error instanceof Error && TRANSIENT_NAMES.has(error.name)) return true;
  if (typeof code === 'string' && TRANSIENT_SOCKET_CODES.has(code)) return true;
  if (typeof code === 'number' && TRANSIENT_SERVER_CODES.has(code)) return true;
  return undefined;
}

/** True for failures that another attempt may not see: network, server selection, failover. */
export function isTransientError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth += 1) {
    if (typeof current !== 'object' || current === null) return false;
    const verdict = isTransientOne(current);
    if (verdict !== undefined) return verdict;
    current = wrappedBy(current);
  }
  return false;
}
