import type { ChatMessage, SessionSnapshot } from '@chatbox/session';
import type { Collection, Filter } from 'mongodb';
import { MongoClient } from 'mongodb';
import type { MessageDocument, SessionDocument } from './documents.js';
import { fromMessageDocument, fromSessionDocument, toSessionDocument } from './documents.js';
import type { KeyedSerializer } from './keyed-serializer.js';
import { createKeyedSerializer } from './keyed-serializer.js';
import { ensureIndexes } from './mongo-indexes.js';
import type { MongoStoreOptions, NormalisedMongoOptions } from './mongo-options.js';
import { attachCommandMonitor, normaliseMongoOptions } from './mongo-options.js';
import { encodeCursor, normaliseGetMessages, normaliseListFilter } from './query.js';
import { OperationRunner } from './mongo-runner.js';
import type { MessageWriteContext } from './mongo-messages.js';
import { appendMessage, appendMessages, updateMessage } from './mongo-messages.js';
import type {
  AppendResult,
  BatchSessionStore,
  GetMessagesOptions,
  ListSessionsFilter,
  SessionPage,
  StorageMetrics,
} from './store.js';
import { STALE_STREAM_ERROR_CODE } from './store.js';
import { isDuplicateKeyError } from './transient.js';
import type { MessagePatch } from './validation.js';
import {
  assertDateArgument,
  assertSessionId,
  validateEndedSnapshot,
  validateSnapshot,
} from './validation.js';

/** Inserts or replaces, ignoring the duplicate key that means "already there" or "stored is newer". */
async function ignoreDuplicate(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

class MongoStore implements BatchSessionStore {
  readonly durable = true;
  readonly #client: MongoClient;
  readonly #options: NormalisedMongoOptions;
  readonly #sessions: Collection<SessionDocument>;
  readonly #messages: Collection<MessageDocument>;
  /** Newest version written per session while its writes are queued: older ones are skipped. */
  readonly #written = new Map<string, number>();
  /** Session and message writes, one at a time per document (see #saveIfNewer). */
  readonly #writes: KeyedSerializer = createKeyedSerializer((key) => this.#written.delete(key));
  readonly #runner: OperationRunner;
  readonly #messageWrites: MessageWriteContext;
  #closed: Promise<void> | undefined;

  constructor(client: MongoClient, options: NormalisedMongoOptions) {
    this.#client = client;
    this.#options = options;
    const db = client.db(options.database);
    this.#sessions = db.collection<SessionDocument>('sessions');
    this.#messages = db.collection<MessageDocument>('messages');
    this.#runner = new OperationRunner(options);
    this.#messageWrites = {
      runner: this.#runner,
      messages: this.#messages,
      writes: this.#writes,
      clock: options.clock,
    };
  }

  get metrics(): StorageMetrics {
    return this.#runner.metrics;
  }

  appendMessage(message: ChatMessage): Promise<AppendResult> {
    return appendMessage(this.#messageWrites, message);
  }

  appendMessages(messages: readonly ChatMessage[]): Promise<AppendResult[]> {
    return appendMessages(this.#messageWrites, messages);
  }

  updateMessage(sessionId: string, seq: number, patch: MessagePatch): Promise<void> {
    return updateMessage(this.#messageWrites, sessionId, seq, patch);
  }

  async init(): Promise<void> {
    await this.#runner.run('connect', async () => {
      await this.#client.connect();
    });
    const report = await this.#runner.run('ensureIndexes', () =>
      ensureIndexes(
        this.#sessions,
        this.#messages,
        this.#options.retentionMs,
        this.#options.logger,
      ),
    );
    this.#options.logger.info(
      { database: this.#options.database, ttl: report.ttl },
      'mongodb session store ready',
    );
  }

  async createSession(snapshot: SessionSnapshot): Promise<void> {
    validateSnapshot(snapshot);
    const { _id, ...fields } = toSessionDocument(snapshot);
    await this.#writes.run(_id, () =>
      this.#runner.run('createSession', () =>
        ignoreDuplicate(() =>
          this.#sessions.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true }),
        ),
      ),
    );
  }

  async saveSession(snapshot: SessionSnapshot): Promise<void> {
    validateSnapshot(snapshot);
    await this.#saveIfNewer('saveSession', snapshot);
  }

  // Finding 10: one replace of a whole snapshot, guarded by version. An older or equal version
  // matches nothing, the upsert then collides on _id, and that duplicate means "stored is at least
  // as new". On MongoDB the guard is atomic. FerretDB v1 evaluates the filter and writes in two
  // steps (measured here: concurrent guarded replaces lost the newest version in 20 of 20 rounds),
  // so writes of one session are also serialised in this process.
  async #saveIfNewer(op: string, snapshot: SessionSnapshot): Promise<void> {
    const { _id, ...fields } = toSessionDocument(snapshot);
    await this.#writes.run(_id, async () => {
      if ((this.#written.get(_id) ?? 0) >= snapshot.version) return;
      await this.#runner.run(op, () =>
        ignoreDuplicate(() =>
          this.#sessions.replaceOne({ _id, version: { $lt: snapshot.version } }, fields, {
            upsert: true,
          }),
        ),
      );
      this.#written.set(_id, snapshot.version);
    });
  }

  async endSession(snapshot: SessionSnapshot): Promise<void> {
    validateEndedSnapshot(snapshot);
    const endedAt = new Date((snapshot.endTime as Date).getTime());
    await this.#runner.run('endSession', () =>
      this.#messages.updateMany({ sessionId: snapshot.id }, { $set: { sessionEndedAt: endedAt } }),
    );
    await this.#saveIfNewer('endSession', snapshot);
  }

  async getSession(id: string): Promise<SessionSnapshot | undefined> {
    assertSessionId(id, 'id');
    const doc = await this.#runner.run('getSession', (_attempt, signal) =>
      this.#sessions.findOne({ _id: id }, { signal }),
    );
    return doc === null ? undefined : fromSessionDocument(doc);
  }

  async listSessions(filter: ListSessionsFilter): Promise<SessionPage> {
    const f = normaliseListFilter(filter);
    const query: Filter<SessionDocument> = {};
    if (f.userId !== undefined) query.userId = f.userId;
    if (f.active !== undefined) query.isActive = f.active;
    if (f.after !== undefined) {
      const at = new Date(f.after.createdAtMs);
      query.$or = [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: f.after.id } }];
    }
    const docs = await this.#runner.run('listSessions', (_attempt, signal) =>
      this.#sessions
        .find(query, { signal })
        .sort({ createdAt: -1, _id: -1 })
        .limit(f.limit + 1)
        .toArray(),
    );
    const page = docs.slice(0, f.limit).map((d) => fromSessionDocument(d));
    const last = page.at(-1);
    return {
      sessions: page,
      ...(docs.length > f.limit && last !== undefined
        ? { nextCursor: encodeCursor({ createdAtMs: last.createdAt.getTime(), id: last.id }) }
        : {}),
    };
  }

  async getMessages(sessionId: string, options?: GetMessagesOptions): Promise<ChatMessage[]> {
    assertSessionId(sessionId);
    const { afterSeq, limit } = normaliseGetMessages(options);
    const docs = await this.#runner.run('getMessages', (_attempt, signal) =>
      this.#messages
        .find({ sessionId, seq: { $gt: afterSeq } }, { signal })
        .sort({ seq: 1 })
        .limit(limit)
        .toArray(),
    );
    return docs.map((d) => fromMessageDocument(d));
  }

  async markStaleStreaming(olderThan: Date): Promise<number> {
    assertDateArgument(olderThan, 'olderThan');
    const now = new Date(this.#options.clock());
    const result = await this.#runner.run('markStaleStreaming', () =>
      this.#messages.updateMany(
        { status: 'streaming', heartbeatAt: { $lt: olderThan } },
        { $set: { status: 'interrupted', errorCode: STALE_STREAM_ERROR_CODE, updatedAt: now } },
      ),
    );
    return result.modifiedCount;
  }

  // Sessions first: if the second delete fails, its messages still carry sessionEndedAt and the
  // next purge removes them.
  async purgeEnded(olderThan: Date): Promise<number> {
    assertDateArgument(olderThan, 'olderThan');
    const sessions = await this.#runner.run('purgeEnded', () =>
      this.#sessions.deleteMany({ isActive: false, endTime: { $lt: olderThan } }),
    );
    await this.#runner.run('purgeEnded.messages', () =>
      this.#messages.deleteMany({ sessionEndedAt: { $lt: olderThan } }),
    );
    return sessions.deletedCount;
  }

  async ping(): Promise<void> {
    await this.#runner.run('ping', (_attempt, signal) =>
      this.#client.db(this.#options.database).command({ ping: 1 }, { signal }),
    );
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#runner.close();
      await this.#client.close();
    })();
    return this.#closed;
  }
}

/**
 * Connects (under the retry policy: a server that is down at start yields ERR_STORAGE_UNAVAILABLE
 * within the deadline) and creates the indexes.
 */
export async function createMongoStore(options: MongoStoreOptions): Promise<BatchSessionStore> {
  const normalised = normaliseMongoOptions(options);
  const client = new MongoClient(normalised.uri, normalised.client);
  attachCommandMonitor(client, normalised);
  const store = new MongoStore(client, normalised);
  try {
    await store.init();
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return store;
}
