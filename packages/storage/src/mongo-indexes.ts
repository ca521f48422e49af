import type { Collection, Document } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { Logger } from 'pino';
import type { MessageDocument, SessionDocument } from './documents.js';

// FerretDB v1 (checked on this machine) answers code 238 NotImplemented to both
// `partialFilterExpression` and `expireAfterSeconds`. 115 CommandNotSupported and 67
// CannotCreateIndex are how other compatible servers refuse an index option.
const UNSUPPORTED_INDEX_CODES: ReadonlySet<number> = new Set([67, 115, 238]);

export interface IndexReport {
  /** Whether the server expires ended sessions by itself (TTL); purgeEnded() is needed otherwise. */
  readonly ttl: boolean;
}

function isUnsupported(error: unknown): boolean {
  return (
    error instanceof MongoServerError &&
    typeof error.code === 'number' &&
    UNSUPPORTED_INDEX_CODES.has(error.code)
  );
}

async function tryTtl(
  collection: Collection<Document>,
  field: string,
  name: string,
  retentionMs: number,
): Promise<boolean> {
  try {
    await collection.createIndex(
      { [field]: 1 },
      { name, expireAfterSeconds: Math.ceil(retentionMs / 1_000) },
    );
    return true;
  } catch (error) {
    if (isUnsupported(error)) return false;
    throw error;
  }
}

/**
 * Idempotent (createIndex of an existing index is a no-op), so it runs under the retry policy.
 * The issue asks for a unique partial index on (sessionId, clientMessageId); FerretDB refuses
 * partial indexes, and a sparse compound index would, on MongoDB, index the many messages without
 * a clientMessageId as null and collide. Every message instead carries `idemKey` (its
 * clientMessageId, or `seq:<n>`), unique with sessionId on every server.
 */
export async function ensureIndexes(
  sessions: Collection<SessionDocument>,
  messages: Collection<MessageDocument>,
  retentionMs: number | undefined,
  logger: Logger,
): Promise<IndexReport> {
  await messages.createIndex(
    { sessionId: 1, seq: 1 },
    { name: 'session_seq_unique', unique: true },
  );
  await messages.createIndex(
    { sessionId: 1, idemKey: 1 },
    { name: 'session_idem_unique', unique: true },
  );
  await messages.createIndex({ status: 1, heartbeatAt: 1 }, { name: 'status_heartbeat' });
  await sessions.createIndex({ userId: 1, isActive: 1 }, { name: 'user_active' });
  await sessions.createIndex({ createdAt: -1, _id: -1 }, { name: 'created_desc' });
  await sessions.createIndex({ isActive: 1, endTime: 1 }, { name: 'active_end' });
  let ttl = false;
  if (retentionMs !== undefined) {
    const sessionTtl = await tryTtl(
      sessions as unknown as Collection<Document>,
      'endTime',
      'session_ttl',
      retentionMs,
    );
    const messageTtl =
      sessionTtl &&
      (await tryTtl(
        messages as unknown as Collection<Document>,
        'sessionEndedAt',
        'message_ttl',
        retentionMs,
      ));
    ttl = sessionTtl && messageTtl;
    if (!ttl)
      logger.info(
        { retentionMs },
        'server has no TTL indexes: ended sessions are removed by purgeEnded() only',
      );
  }
  if (!ttl) await messages.createIndex({ sessionEndedAt: 1 }, { name: 'session_ended' });
  return { ttl };
}
