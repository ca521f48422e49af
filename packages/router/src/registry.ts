import type { Connection } from './types.js';

export interface BindResult {
  /** False when the connection is not attached (it closed meanwhile): nothing changed. */
  readonly bound: boolean;
  /** The connection that held the session before: already unregistered, the caller closes it. */
  readonly replaced?: Connection;
}

/**
 * Connections and their session bindings (findings 03 and 04). Every change is one synchronous
 * step, so a connection's binding and the session's connection never disagree. The registry holds
 * no timers or listeners: removing a connection's two map entries releases everything it holds.
 */
export class ConnectionRegistry {
  /** Connection id → the attached connection and the session it is bound to (if any). */
  readonly #entries = new Map<string, { conn: Connection; sessionId: string | undefined }>();
  /** Session id → its bound connection and when it was bound (issue 11: `releaseSession`). */
  readonly #connectionOf = new Map<string, { conn: Connection; boundAt: number }>();

  get size(): number {
    return this.#entries.size;
  }

  get boundSessions(): number {
    return this.#connectionOf.size;
  }

  attach(conn: Connection): void {
    if (!this.#entries.has(conn.id)) this.#entries.set(conn.id, { conn, sessionId: undefined });
  }

  isAttached(conn: Connection): boolean {
    return this.#entries.has(conn.id);
  }

  sessionOf(conn: Connection): string | undefined {
    return this.#entries.get(conn.id)?.sessionId;
  }

  connectionOf(sessionId: string): Connection | undefined {
    return this.#connectionOf.get(sessionId)?.conn;
  }

  boundAt(sessionId: string): number | undefined {
    return this.#connectionOf.get(sessionId)?.boundAt;
  }

  /**
   * Binds `conn` to `sessionId`, leaving its previous session unbound. Finding 03: a different
   * connection holding the session is unregistered here and returned, so the caller closes it.
   */
  bind(conn: Connection, sessionId: string, boundAt = 0): BindResult {
    const entry = this.#entries.get(conn.id);
    if (entry === undefined) return { bound: false };
    if (entry.sessionId !== undefined && entry.sessionId !== sessionId)
      this.#connectionOf.delete(entry.sessionId);
    const holder = this.#connectionOf.get(sessionId)?.conn;
    this.#connectionOf.set(sessionId, { conn: entry.conn, boundAt });
    entry.sessionId = sessionId;
    if (holder === undefined || holder.id === conn.id) return { bound: true };
    this.#entries.delete(holder.id);
    return { bound: true, replaced: holder };
  }

  /**
   * Unregisters `conn`. Returns the session it was the bound connection of, if any: that session's
   * generation has lost its reader.
   */
  detach(conn: Connection): string | undefined {
    const entry = this.#entries.get(conn.id);
    if (entry === undefined) return undefined;
    this.#entries.delete(conn.id);
    const { sessionId } = entry;
    if (sessionId === undefined || this.#connectionOf.get(sessionId)?.conn.id !== conn.id)
      return undefined;
    this.#connectionOf.delete(sessionId);
    return sessionId;
  }

  /** Removes the session's connection from the registry and returns it (for closing). */
  releaseSession(sessionId: string): Connection | undefined {
    const conn = this.#connectionOf.get(sessionId)?.conn;
    if (conn === undefined) return undefined;
    this.#connectionOf.delete(sessionId);
    this.#entries.delete(conn.id);
    return conn;
  }

  clear(): void {
    this.#entries.clear();
    this.#connectionOf.clear();
  }
}
