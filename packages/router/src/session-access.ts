import type { ChatMessage, SessionSnapshot } from '@chatbox/session';
import type { RouterContext } from './context.js';
import { RouterError } from './errors.js';
import type { Connection } from './types.js';

const PAGE_SIZE = 1_000;
// Bounds the pages read when a stored session's lastSeq lags behind its messages.
const MAX_RESTORE_PAGES = 100;

/** S11: ids reach storage filters only as validated scalars; the message layer lower-cases them. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}

function notFound(): RouterError {
  return new RouterError('ERR_ROUTER_SESSION_NOT_FOUND', 'session not found');
}

function notOwned(): RouterError {
  return new RouterError('ERR_ROUTER_SESSION_NOT_OWNED', 'session belongs to another user');
}

/** The last `restoreMessages` stored messages, so seq numbers continue after the stored ones. */
async function loadRecent(ctx: RouterContext, stored: SessionSnapshot): Promise<ChatMessage[]> {
  const keep = ctx.options.restoreMessages;
  let afterSeq = Math.max(0, stored.lastSeq - keep);
  let recent: ChatMessage[] = [];
  for (let page = 0; page < MAX_RESTORE_PAGES; page += 1) {
    const from = afterSeq;
    const batch = await ctx.storeCall('getMessages', () =>
      ctx.options.store.getMessages(stored.id, { afterSeq: from, limit: PAGE_SIZE }),
    );
    recent = [...recent, ...batch].slice(-keep);
    const last = batch.at(-1);
    if (batch.length < PAGE_SIZE || last === undefined) break;
    afterSeq = last.seq;
  }
  return recent;
}

/**
 * Finding 02: a client-supplied id must exist (in memory, or in storage, then restored into the
 * session manager) and belong to the caller. Another user's session is refused before anything of
 * it is loaded.
 */
export async function ownedSession(
  ctx: RouterContext,
  userId: string,
  sessionId: string,
): Promise<SessionSnapshot> {
  if (!isSessionId(sessionId)) throw notFound();
  const { sessions, store } = ctx.options;
  const held = sessions.get(sessionId);
  if (held !== undefined) {
    if (held.userId !== userId) throw notOwned();
    return held;
  }
  const stored = await ctx.storeCall('getSession', () => store.getSession(sessionId));
  if (stored === undefined) throw notFound();
  if (stored.userId !== userId) throw notOwned();
  const recent = await loadRecent(ctx, stored);
  // A concurrent restore of the same id got there first: `restore` returns the held session.
  return sessions.restore(stored, recent);
}

/**
 * Finding 02: the session manager generates the id, storage persists that same snapshot, and the
 * connection is bound under it. A storage failure rolls the in-memory session back.
 */
export async function createSession(ctx: RouterContext, conn: Connection): Promise<string> {
  const { sessions, store } = ctx.options;
  const snapshot = sessions.create(conn.userId);
  try {
    await ctx.storeCall('createSession', () => store.createSession(snapshot));
  } catch (error) {
    sessions.remove(snapshot.id);
    throw error;
  }
  ctx.options.logger.info({ sessionId: snapshot.id, connectionId: conn.id }, 'session created');
  ctx.bind(conn, snapshot.id, snapshot.lastSeq, false);
  return snapshot.id;
}

/** The session a `send` goes to: the named one, else the bound one, else a new one. */
export async function sessionForSend(
  ctx: RouterContext,
  conn: Connection,
  requested: string | undefined,
): Promise<string> {
  const bound = ctx.registry.sessionOf(conn);
  if (requested !== undefined) {
    const snapshot = await ownedSession(ctx, conn.userId, requested);
    if (!snapshot.isActive) throw new RouterError('ERR_ROUTER_SESSION_ENDED', 'session has ended');
    if (ctx.registry.sessionOf(conn) !== requested)
      ctx.bind(conn, requested, snapshot.lastSeq, false);
    return requested;
  }
  if (bound !== undefined && ctx.options.sessions.get(bound)?.isActive === true) return bound;
  return createSession(ctx, conn);
}

/** Ownership without loading the session into memory (a cancel forwarded to another instance). */
export async function assertOwned(
  ctx: RouterContext,
  userId: string,
  sessionId: string,
): Promise<void> {
  if (!isSessionId(sessionId)) throw notFound();
  const { sessions, store } = ctx.options;
  const known =
    sessions.get(sessionId) ??
    (await ctx.storeCall('getSession', () => store.getSession(sessionId)));
  if (known === undefined) throw notFound();
  if (known.userId !== userId) throw notOwned();
}
