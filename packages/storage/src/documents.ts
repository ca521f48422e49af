import type {
  ChatMessage,
  MessageRole,
  MessageStatus,
  SessionSnapshot,
  Usage,
} from '@chatbox/session';
import { StorageError } from './errors.js';
import { isValidDate } from './validation.js';

// Finding 10: these mappers are pure and read only immutable snapshots; every Date is copied, since
// Object.freeze does not stop Date#setTime and the document must not alias the caller's objects.

export const DOCUMENT_SCHEMA_VERSION = 1;

export interface ResponseTimeDocument {
  count: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface SessionDocument {
  _id: string;
  schema: number;
  userId: string;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
  endTime?: Date;
  lastSeq: number;
  messageCount: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  responseTimes: ResponseTimeDocument;
  version: number;
}

export interface MessageDocument {
  /** `<sessionId>:<seq>`: a retried insert of the same message hits the same key. */
  _id: string;
  schema: number;
  sessionId: string;
  seq: number;
  /** The clientMessageId, or `seq:<n>` for messages without one (see mongo-indexes.ts). */
  idemKey: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  clientMessageId?: string;
  createdAt: Date;
  updatedAt: Date;
  /** Last sign of life of a streaming message; the stale-stream sweeper reads it (R5). */
  heartbeatAt: Date;
  usage?: { inputTokens: number; outputTokens: number };
  stopReason?: string;
  errorCode?: string;
  /** Set when the session ends, for retention (TTL where supported, app-level purge otherwise). */
  sessionEndedAt?: Date;
}

const RESPONSE_TIME_FIELDS = [
  'count',
  'meanMs',
  'minMs',
  'maxMs',
  'p50Ms',
  'p95Ms',
  'p99Ms',
] as const;
const ROLES: ReadonlySet<string> = new Set<MessageRole>(['user', 'assistant']);
const STATUSES: ReadonlySet<string> = new Set<MessageStatus>([
  'streaming',
  'complete',
  'interrupted',
  'cancelled',
  'error',
]);

function copyDate(date: Date): Date {
  return new Date(Date.prototype.getTime.call(date));
}

function frozenDate(date: Date): Date {
  return Object.freeze(copyDate(date));
}

export function messageDocumentId(sessionId: string, seq: number): string {
  return `${sessionId}:${seq}`;
}

export function idempotencyKey(message: Pick<ChatMessage, 'seq' | 'clientMessageId'>): string {
  return message.clientMessageId ?? `seq:${message.seq}`;
}

export function toSessionDocument(s: SessionSnapshot): SessionDocument {
  const rt = s.responseTimes;
  const doc: SessionDocument = {
    _id: s.id,
    schema: DOCUMENT_SCHEMA_VERSION,
    userId: s.userId,
    isActive: s.isActive,
    createdAt: copyDate(s.createdAt),
    updatedAt: copyDate(s.updatedAt),
    lastSeq: s.lastSeq,
    messageCount: s.messageCount,
    totalInputTokens: s.totalInputTokens,
    totalOutputTokens: s.totalOutputTokens,
    responseTimes: {
      count: rt.count,
      meanMs: rt.meanMs,
      minMs: rt.minMs,
      maxMs: rt.maxMs,
      p50Ms: rt.p50Ms,
      p95Ms: rt.p95Ms,
      p99Ms: rt.p99Ms,
    },
    version: s.version,
  };
  // Absent, not null: FerretDB and the driver store `undefined` as null, which would not round-trip.
  if (s.endTime !== undefined) doc.endTime = copyDate(s.endTime);
  return doc;
}

export function toMessageDocument(m: ChatMessage): MessageDocument {
  const doc: MessageDocument = {
    _id: messageDocumentId(m.sessionId, m.seq),
    schema: DOCUMENT_SCHEMA_VERSION,
    sessionId: m.sessionId,
    seq: m.seq,
    idemKey: idempotencyKey(m),
    role: m.role,
    content: m.content,
    status: m.status,
    createdAt: copyDate(m.createdAt),
    updatedAt: copyDate(m.updatedAt),
    heartbeatAt: copyDate(m.updatedAt),
  };
  if (m.clientMessageId !== undefined) doc.clientMessageId = m.clientMessageId;
  if (m.usage !== undefined)
    doc.usage = { inputTokens: m.usage.inputTokens, outputTokens: m.usage.outputTokens };
  if (m.stopReason !== undefined) doc.stopReason = m.stopReason;
  if (m.errorCode !== undefined) doc.errorCode = m.errorCode;
  return doc;
}

class DocumentReader {
  readonly #doc: Record<string, unknown>;
  readonly #kind: string;

  constructor(doc: unknown, kind: string) {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
      throw DocumentReader.corrupt(kind, 'not an object');
    this.#doc = doc as Record<string, unknown>;
    this.#kind = kind;
  }

  static corrupt(kind: string, detail: string): StorageError {
    return new StorageError(
      'ERR_STORAGE_CORRUPT_DOCUMENT',
      `${kind} document is invalid: ${detail}`,
    );
  }

  #fail(field: string, expected: string): StorageError {
    return DocumentReader.corrupt(this.#kind, `${field} is not ${expected}`);
  }

  value(field: string): unknown {
    const value = this.#doc[field];
    return value === null ? undefined : value;
  }

  string(field: string): string {
    const value = this.value(field);
    if (typeof value !== 'string') throw this.#fail(field, 'a string');
    return value;
  }

  optionalString(field: string): string | undefined {
    return this.value(field) === undefined ? undefined : this.string(field);
  }

  number(field: string, from: Record<string, unknown> = this.#doc): number {
    const value = from[field];
    if (typeof value !== 'number') throw this.#fail(field, 'a number');
    return value;
  }

  boolean(field: string): boolean {
    const value = this.value(field);
    if (typeof value !== 'boolean') throw this.#fail(field, 'a boolean');
    return value;
  }

  date(field: string): Date {
    const value = this.value(field);
    if (!isValidDate(value)) throw this.#fail(field, 'a date');
    return frozenDate(value);
  }

  optionalDate(field: string): Date | undefined {
    return this.value(field) === undefined ? undefined : this.date(field);
  }

  object(field: string): Record<string, unknown> {
    const value = this.value(field);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || isValidDate(value)) {
      throw this.#fail(field, 'an object');
    }
    return value as Record<string, unknown>;
  }

  oneOf<T extends string>(field: string, allowed: ReadonlySet<string>): T {
    const value = this.string(field);
    if (!allowed.has(value)) throw this.#fail(field, `one of ${[...allowed].join(', ')}`);
    return value as T;
  }
}

export function fromSessionDocument(d: unknown): SessionSnapshot {
  const r = new DocumentReader(d, 'session');
  const rtSource = r.object('responseTimes');
  const rt = {} as Record<(typeof RESPONSE_TIME_FIELDS)[number], number>;
  for (const field of RESPONSE_TIME_FIELDS) rt[field] = r.number(field, rtSource);
  const snapshot: { -readonly [K in keyof SessionSnapshot]: SessionSnapshot[K] } = {
    id: r.string('_id'),
    userId: r.string('userId'),
    isActive: r.boolean('isActive'),
    createdAt: r.date('createdAt'),
    updatedAt: r.date('updatedAt'),
    lastSeq: r.number('lastSeq'),
    messageCount: r.number('messageCount'),
    totalInputTokens: r.number('totalInputTokens'),
    totalOutputTokens: r.number('totalOutputTokens'),
    responseTimes: Object.freeze(rt),
    version: r.number('version'),
  };
  const endTime = r.optionalDate('endTime');
  if (endTime !== undefined) snapshot.endTime = endTime;
  return Object.freeze(snapshot);
}

export function fromMessageDocument(d: unknown): ChatMessage {
  const r = new DocumentReader(d, 'message');
  const message: { -readonly [K in keyof ChatMessage]: ChatMessage[K] } = {
    sessionId: r.string('sessionId'),
    seq: r.number('seq'),
    role: r.oneOf<MessageRole>('role', ROLES),
    content: r.string('content'),
    status: r.oneOf<MessageStatus>('status', STATUSES),
    createdAt: r.date('createdAt'),
    updatedAt: r.date('updatedAt'),
  };
  const clientMessageId = r.optionalString('clientMessageId');
  if (clientMessageId !== undefined) message.clientMessageId = clientMessageId;
  if (r.value('usage') !== undefined) {
    const usage = r.object('usage');
    message.usage = Object.freeze<Usage>({
      inputTokens: r.number('inputTokens', usage),
      outputTokens: r.number('outputTokens', usage),
    });
  }
  const stopReason = r.optionalString('stopReason');
  if (stopReason !== undefined) message.stopReason = stopReason;
  const errorCode = r.optionalString('errorCode');
  if (errorCode !== undefined) message.errorCode = errorCode;
  return Object.freeze(message);
}
