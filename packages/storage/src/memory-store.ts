import type { ChatMessage, SessionSnapshot } from '@chatbox/session';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { MessageDocument, SessionDocument } from './documents.js';
import {
  fromMessageDocument,
  fromSessionDocument,
  messageDocumentId,
  toMessageDocument,
  toSessionDocument,
} from './documents.js';
import { StorageError } from './errors.js';
import {
  compareNewestFirst,
  encodeCursor,
  normaliseGetMessages,
  normaliseListFilter,
} from './query.js';
import type {
  AppendResult,
  BatchSessionStore,
  GetMessagesOptions,
  ListSessionsFilter,
  SessionPage,
  StorageMetrics,
} from './store.js';
import { STALE_STREAM_ERROR_CODE } from './store.js';
import type { MessagePatch } from './validation.js';
import {
  assertDateArgument,
  assertSeq,
  assertSessionId,
  isFinalPatch,
  validateBatch,
  validateEndedSnapshot,
  validateMessage,
  validatePatch,
  validateSnapshot,
} from './validation.js';

export interface MemoryStoreOptions {
  readonly logger?: Logger;
  /** Milliseconds since the epoch; stamps updatedAt on updates. */
  readonly clock?: () => number;
}

const silentLogger = (): Logger => pino({ level: 'silent' });

/** Runs synchronous work as a promise, so invalid input rejects like it does in the MongoDB store. */
function settle<T>(work: () => T): Promise<T> {
  return Promise.resolve().then(work);
}

function isSameLogicalMessage(stored: MessageDocument, incoming: MessageDocument): boolean {
  return stored.role === incoming.role && stored.clientMessageId === incoming.clientMessageId;
}

/**
 * The embedded store for one instance in development. It keeps documents (the same mappers as the
 * MongoDB store, so both round-trip identically) and says at start that it is not durable.
 */
class MemoryStore implements BatchSessionStore {
  readonly durable = false;
  readonly metrics: StorageMetrics = Object.freeze({ retries: 0, failures: 0 });
  readonly #sessions = new Map<string, SessionDocument>();
  readonly #messages = new Map<string, MessageDocument>();
  /** `<sessionId>|<idemKey>` → message key: the in-memory twin of the unique index. */
  readonly #idem = new Map<string, string>();
  readonly #clock: () => number;
  #closed = false;

  constructor(options: MemoryStoreOptions) {
    this.#clock = options.clock ?? Date.now;
    const logger = options.logger ?? silentLogger();
    logger.warn(
      { store: 'memory' },
      'in-memory session store: sessions and messages are lost when the process exits',
    );
  }

  #open(): void {
    if (this.#closed) throw new StorageError('ERR_STORAGE_CLOSED', 'store is closed');
  }

  createSession(snapshot: SessionSnapshot): Promise<void> {
    return settle(() => {
      this.#open();
      validateSnapshot(snapshot);
      if (!this.#sessions.has(snapshot.id))
        this.#sessions.set(snapshot.id, toSessionDocument(snapshot));
    });
  }

  saveSession(snapshot: SessionSnapshot): Promise<void> {
    return settle(() => {
      this.#open();
      validateSnapshot(snapshot);
      this.#saveIfNewer(snapshot);
    });
  }

  #saveIfNewer(snapshot: SessionSnapshot): void {
    const stored = this.#sessions.get(snapshot.id);
    if (stored === undefined || stored.version < snapshot.version)
      this.#sessions.set(snapshot.id, toSessionDocument(snapshot));
  }

  endSession(snapshot: SessionSnapshot): Promise<void> {
    return settle(() => {
      this.#open();
      validateEndedSnapshot(snapshot);
      const endedAt = snapshot.endTime as Date;
      for (const doc of this.#messages.values()) {
        if (doc.sessionId === snapshot.id) doc.sessionEndedAt = new Date(endedAt.getTime());
      }
      this.#saveIfNewer(snapshot);
    });
  }

  getSession(id: string): Promise<SessionSnapshot | undefined> {
    return settle(() => {
      this.#open();
      assertSessionId(id, 'id');
      const doc = this.#sessions.get(id);
      return doc === undefined ? undefined : fromSessionDocument(doc);
    });
  }

  listSessions(filter: ListSessionsFilter): Promise<SessionPage> {
    return settle(() => {
      this.#open();
      const f = normaliseListFilter(filter);
      const keyOf = (d: SessionDocument): { createdAtMs: number; id: string } => ({
        createdAtMs: d.createdAt.getTime(),
        id: d._id,
      });
      const matching = [...this.#sessions.values()]
        .filter(
          (d) =>
            (f.userId === undefined || d.userId === f.userId) &&
            (f.active === undefined || d.isActive === f.active),
        )
        .filter((d) => f.after === undefined || compareNewestFirst(f.after, keyOf(d)) < 0)
        .sort((a, b) => compareNewestFirst(keyOf(a), keyOf(b)));
      const page = matching.slice(0, f.limit);
      const last = page.at(-1);
      const hasMore = matching.length > f.limit && last !== undefined;
      return {
        sessions: page.map((d) => fromSessionDocument(d)),
        ...(hasMore ? { nextCursor: encodeCursor(keyOf(last)) } : {}),
      };
    });
  }

  appendMessage(message: ChatMessage): Promise<AppendResult> {
    return settle(() => {
      this.#open();
      validateMessage(message);
      return this.#append(toMessageDocument(message));
    });
  }

  /** As the MongoDB store: in order, validated first, a resend of an earlier message ends it. */
  appendMessages(messages: readonly ChatMessage[]): Promise<AppendResult[]> {
    return settle(() => {
      this.#open();
      validateBatch(messages);
      const results: AppendResult[] = [];
      for (const doc of messages.map((m) => toMessageDocument(m))) {
        const result = this.#append(doc);
        results.push(result);
        if (result.message.seq !== doc.seq) break;
      }
      return results;
    });
  }

  #append(doc: MessageDocument): AppendResult {
    const idemKey = `${doc.sessionId}|${doc.idemKey}`;
    const byKey = this.#messages.get(this.#idem.get(idemKey) ?? '');
    if (byKey !== undefined) return { message: fromMessageDocument(byKey), duplicate: true };
    const atSeq = this.#messages.get(doc._id);
    if (atSeq !== undefined) {
      if (!isSameLogicalMessage(atSeq, doc)) {
        throw new StorageError(
          'ERR_STORAGE_CONFLICT',
          `seq ${doc.seq} of session ${doc.sessionId} holds another message`,
        );
      }
      return { message: fromMessageDocument(atSeq), duplicate: true };
    }
    this.#messages.set(doc._id, doc);
    this.#idem.set(idemKey, doc._id);
    return { message: fromMessageDocument(doc), duplicate: false };
  }

  updateMessage(sessionId: string, seq: number, patch: MessagePatch): Promise<void> {
    return settle(() => {
      this.#open();
      assertSessionId(sessionId);
      assertSeq(seq);
      validatePatch(patch);
      const doc = this.#messages.get(messageDocumentId(sessionId, seq));
      if (doc === undefined)
        throw new StorageError(
          'ERR_STORAGE_NOT_FOUND',
          `message ${seq} of session ${sessionId} not found`,
        );
      if (!isFinalPatch(patch) && doc.status !== 'streaming') return;
      const now = new Date(this.#clock());
      if (patch.content !== undefined) doc.content = patch.content;
      if (patch.status !== undefined) doc.status = patch.status;
      if (patch.usage !== undefined)
        doc.usage = {
          inputTokens: patch.usage.inputTokens,
          outputTokens: patch.usage.outputTokens,
        };
      if (patch.stopReason !== undefined) doc.stopReason = patch.stopReason;
      if (patch.errorCode !== undefined) doc.errorCode = patch.errorCode;
      doc.updatedAt = now;
      doc.heartbeatAt =
        patch.heartbeatAt === undefined ? now : new Date(patch.heartbeatAt.getTime());
    });
  }

  getMessages(sessionId: string, options?: GetMessagesOptions): Promise<ChatMessage[]> {
    return settle(() => {
      this.#open();
      assertSessionId(sessionId);
      const { afterSeq, limit } = normaliseGetMessages(options);
      return [...this.#messages.values()]
        .filter((d) => d.sessionId === sessionId && d.seq > afterSeq)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit)
        .map((d) => fromMessageDocument(d));
    });
  }

  markStaleStreaming(olderThan: Date): Promise<number> {
    return settle(() => {
      this.#open();
      assertDateArgument(olderThan, 'olderThan');
      const now = new Date(this.#clock());
      let count = 0;
      for (const doc of this.#messages.values()) {
        if (doc.status === 'streaming' && doc.heartbeatAt.getTime() < olderThan.getTime()) {
          doc.status = 'interrupted';
          doc.errorCode = STALE_STREAM_ERROR_CODE;
          doc.updatedAt = now;
          count += 1;
        }
      }
      return count;
    });
  }

  purgeEnded(olderThan: Date): Promise<number> {
    return settle(() => {
      this.#open();
      assertDateArgument(olderThan, 'olderThan');
      const cutoff = olderThan.getTime();
      let count = 0;
      for (const [id, doc] of this.#sessions) {
        if (!doc.isActive && doc.endTime !== undefined && doc.endTime.getTime() < cutoff) {
          this.#sessions.delete(id);
          count += 1;
        }
      }
      for (const [id, doc] of this.#messages) {
        if (doc.sessionEndedAt !== undefined && doc.sessionEndedAt.getTime() < cutoff) {
          this.#messages.delete(id);
          this.#idem.delete(`${doc.sessionId}|${doc.idemKey}`);
        }
      }
      return count;
    });
  }

  ping(): Promise<void> {
    return settle(() => {
      this.#open();
    });
  }

  close(): Promise<void> {
    return settle(() => {
      this.#closed = true;
      this.#sessions.clear();
      this.#messages.clear();
      this.#idem.clear();
    });
  }
}

export function createMemoryStore(options: MemoryStoreOptions = {}): BatchSessionStore {
  return new MemoryStore(options);
}
