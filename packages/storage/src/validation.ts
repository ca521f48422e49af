import type { ChatMessage, MessageStatus, SessionSnapshot, Usage } from '@chatbox/session';
import { StorageError } from './errors.js';

// S11: every value that reaches a filter is a validated scalar, so `{ "$ne": null }` or any other
// operator object is refused before it can widen a query.
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// A superset of UUIDs; `:` is excluded so a client key can never equal the `seq:<n>` idempotency
// key given to messages without one.
const CLIENT_MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const MAX_USER_ID_LENGTH = 256;
const STATUSES: ReadonlySet<string> = new Set<MessageStatus>([
  'streaming',
  'complete',
  'interrupted',
  'cancelled',
  'error',
]);

export function assertSessionId(value: unknown, field = 'sessionId'): asserts value is string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw new StorageError('ERR_STORAGE_INVALID_ID', `${field} must be a lowercase UUID string`);
  }
}

export function assertClientMessageId(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !CLIENT_MESSAGE_ID_PATTERN.test(value)) {
    throw new StorageError(
      'ERR_STORAGE_INVALID_ID',
      'clientMessageId must be 1-128 characters of [A-Za-z0-9_-]',
    );
  }
}

export function assertUserId(value: unknown): asserts value is string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_USER_ID_LENGTH ||
    !isWellFormed(value)
  ) {
    throw new StorageError(
      'ERR_STORAGE_INVALID_ID',
      `userId must be a string of 1-${MAX_USER_ID_LENGTH} characters`,
    );
  }
}

export function assertSeq(value: unknown, field = 'seq', min = 1): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new StorageError('ERR_STORAGE_INVALID_ARGUMENT', `${field} must be an integer >= ${min}`);
  }
}

function invalid(message: string): StorageError {
  return new StorageError('ERR_STORAGE_INVALID_ARGUMENT', message);
}

/** A valid Date from any realm (structuredClone and workers produce Dates of another realm). */
export function isValidDate(value: unknown): value is Date {
  return (
    Object.prototype.toString.call(value) === '[object Date]' &&
    !Number.isNaN(Date.prototype.getTime.call(value))
  );
}

function assertDate(value: unknown, field: string): void {
  if (!isValidDate(value)) throw invalid(`${field} must be a valid Date`);
}

function assertCount(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw invalid(`${field} must be an integer >= 0`);
}

// BSON strings are UTF-8: a lone surrogate would be stored as U+FFFD, silently changing the text.
// With the `u` flag a valid pair is one code point, so only lone surrogates match.
const LONE_SURROGATE = /\p{Surrogate}/u;

function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

function assertText(value: unknown, field: string): void {
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  if (!isWellFormed(value))
    throw invalid(`${field} must be well-formed Unicode (no lone surrogates)`);
}

function assertOptionalString(value: unknown, field: string): void {
  if (value !== undefined) assertText(value, field);
}

export function assertStatus(value: unknown): asserts value is MessageStatus {
  if (typeof value !== 'string' || !STATUSES.has(value))
    throw invalid(`status must be one of ${[...STATUSES].join(', ')}`);
}

export function assertUsage(value: unknown): asserts value is Usage | undefined {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null) throw invalid('usage must be an object');
  const usage = value as Record<string, unknown>;
  assertCount(usage['inputTokens'], 'usage.inputTokens');
  assertCount(usage['outputTokens'], 'usage.outputTokens');
}

export function validateSnapshot(snapshot: SessionSnapshot): void {
  if (typeof snapshot !== 'object' || snapshot === null)
    throw invalid('snapshot must be an object');
  assertSessionId(snapshot.id, 'snapshot.id');
  assertUserId(snapshot.userId);
  if (typeof snapshot.isActive !== 'boolean') throw invalid('snapshot.isActive must be a boolean');
  assertDate(snapshot.createdAt, 'snapshot.createdAt');
  assertDate(snapshot.updatedAt, 'snapshot.updatedAt');
  if (snapshot.endTime !== undefined) assertDate(snapshot.endTime, 'snapshot.endTime');
  assertCount(snapshot.lastSeq, 'snapshot.lastSeq');
  assertCount(snapshot.messageCount, 'snapshot.messageCount');
  assertCount(snapshot.totalInputTokens, 'snapshot.totalInputTokens');
  assertCount(snapshot.totalOutputTokens, 'snapshot.totalOutputTokens');
  assertCount(snapshot.version, 'snapshot.version');
  if (typeof snapshot.responseTimes !== 'object' || snapshot.responseTimes === null) {
    throw invalid('snapshot.responseTimes must be an object');
  }
}

export function validateEndedSnapshot(snapshot: SessionSnapshot): void {
  validateSnapshot(snapshot);
  if (snapshot.isActive || snapshot.endTime === undefined) {
    throw invalid('endSession needs a snapshot of an ended session (isActive false, endTime set)');
  }
}

export function validateMessage(message: ChatMessage): void {
  if (typeof message !== 'object' || message === null) throw invalid('message must be an object');
  assertSessionId(message.sessionId);
  assertSeq(message.seq);
  if (message.role !== 'user' && message.role !== 'assistant')
    throw invalid("role must be 'user' or 'assistant'");
  assertText(message.content, 'content');
  assertStatus(message.status);
  if (message.clientMessageId !== undefined) assertClientMessageId(message.clientMessageId);
  assertDate(message.createdAt, 'createdAt');
  assertDate(message.updatedAt, 'updatedAt');
  assertUsage(message.usage);
  assertOptionalString(message.stopReason, 'stopReason');
  assertOptionalString(message.errorCode, 'errorCode');
}

/** Most messages in one `appendMessages` call: a turn writes two. */
export const MAX_APPEND_BATCH = 1_000;

/** Every message is checked before any is written. */
export function validateBatch(messages: readonly ChatMessage[]): void {
  if (!Array.isArray(messages)) throw invalid('messages must be an array');
  if (messages.length > MAX_APPEND_BATCH)
    throw invalid(`at most ${MAX_APPEND_BATCH} messages in one batch`);
  for (const message of messages) validateMessage(message as ChatMessage);
}

export interface MessagePatch {
  readonly content?: string;
  readonly status?: MessageStatus;
  readonly usage?: Usage;
  readonly stopReason?: string;
  readonly errorCode?: string;
  readonly heartbeatAt?: Date;
}

export function validatePatch(patch: MessagePatch): void {
  if (typeof patch !== 'object' || patch === null) throw invalid('patch must be an object');
  assertOptionalString(patch.content, 'content');
  if (patch.status !== undefined) assertStatus(patch.status);
  assertUsage(patch.usage);
  assertOptionalString(patch.stopReason, 'stopReason');
  assertOptionalString(patch.errorCode, 'errorCode');
  if (patch.heartbeatAt !== undefined) assertDate(patch.heartbeatAt, 'heartbeatAt');
}

/** A patch with a final status always applies; a partial flush applies only while still streaming. */
export function isFinalPatch(patch: MessagePatch): boolean {
  return patch.status !== undefined && patch.status !== 'streaming';
}

export function assertDateArgument(value: unknown, field: string): asserts value is Date {
  assertDate(value, field);
}
