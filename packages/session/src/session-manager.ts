import { SessionError } from './errors.js';
import { normalizeOptions, startUnrefInterval } from './options.js';
import type { NormalizedOptions, SessionManagerOptions } from './options.js';
import { stateFromSnapshot } from './restore.js';
import { createKeyedSerialQueue } from './serial-queue.js';
import type { KeyedSerialQueue } from './serial-queue.js';
import type { SessionManager, SessionManagerStats, SweepResult } from './session-manager-api.js';
import { appendRecord, findRecord, updateRecord } from './messages.js';
import { histogramOf, historyOf, newState, toSnapshot } from './session-state.js';
import type { MessageDraft, MessagePatch, SessionState } from './session-state.js';
import type { ChatMessage, SessionSnapshot } from './types.js';

const NO_IDS: readonly string[] = Object.freeze([]);

class InMemorySessionManager implements SessionManager {
  readonly #options: NormalizedOptions;
  readonly #sessions = new Map<string, SessionState>();
  /** Active sessions, least recently active first: the idle sweep stops at the first fresh one. */
  readonly #active = new Map<string, SessionState>();
  /** Ended sessions in the order they ended, with the time their retention started. */
  readonly #ended = new Map<string, number>();
  readonly #byUser = new Map<string, Set<string>>();
  readonly #queue: KeyedSerialQueue;
  #timer: unknown;
  #evictedTotal = 0;
  #idleEndedTotal = 0;

  constructor(options: SessionManagerOptions | undefined) {
    this.#options = normalizeOptions(options);
    this.#queue = createKeyedSerialQueue(this.#options.maxQueuedPerSession);
    if (this.#options.sweepIntervalMs > 0) {
      this.#timer = startUnrefInterval(this.#options.timers, this.#options.sweepIntervalMs, () =>
        this.#sweepSafely(),
      );
    }
  }

  create(userId: string): SessionSnapshot {
    if (typeof userId !== 'string' || userId.length === 0) {
      throw new SessionError('ERR_SESSION_INVALID_ARGUMENT', 'userId must be a non-empty string');
    }
    this.#checkCapacity();
    const id = this.#options.idSource();
    if (typeof id !== 'string' || id.length === 0) {
      throw new SessionError('ERR_SESSION_INVALID_ARGUMENT', 'idSource returned an empty id');
    }
    if (this.#sessions.has(id))
      throw new SessionError('ERR_SESSION_DUPLICATE_ID', 'idSource returned an id in use');
    const state = newState(id, userId, this.#options.clock());
    this.#hold(state);
    return toSnapshot(state);
  }

  restore(snapshot: SessionSnapshot, recent: readonly ChatMessage[] = []): SessionSnapshot {
    const held = this.#sessions.get((snapshot as Partial<SessionSnapshot> | null)?.id ?? '');
    if (held !== undefined) return toSnapshot(held);
    const now = this.#options.clock();
    const state = stateFromSnapshot(
      snapshot,
      recent,
      this.#options.maxHistoryMessages,
      now,
      this.#options.responseTimes,
    );
    if (state.isActive) this.#checkCapacity();
    this.#hold(state);
    if (!state.isActive) {
      // Retention of a session loaded to be read starts when it was loaded.
      this.#ended.set(state.id, now);
      this.#evictOverCap();
    }
    return toSnapshot(state);
  }

  remove(id: string): boolean {
    const state = this.#sessions.get(id);
    if (state === undefined) return false;
    this.#sessions.delete(id);
    this.#active.delete(id);
    this.#ended.delete(id);
    this.#unmapUser(state);
    return true;
  }

  get(id: string): SessionSnapshot | undefined {
    const state = this.#sessions.get(id);
    return state === undefined ? undefined : toSnapshot(state);
  }

  snapshot(id: string): SessionSnapshot {
    return toSnapshot(this.#require(id));
  }

  getOwned(id: string, userId: string): SessionSnapshot {
    const state = this.#require(id);
    if (state.userId !== userId)
      throw new SessionError('ERR_SESSION_NOT_OWNED', 'the session belongs to another user');
    return toSnapshot(state);
  }

  has(id: string): boolean {
    return this.#sessions.has(id);
  }

  activeSessionsOf(userId: string): readonly string[] {
    const ids = this.#byUser.get(userId);
    return ids === undefined ? NO_IDS : Object.freeze([...ids]);
  }

  end(id: string): SessionSnapshot {
    const state = this.#require(id);
    if (!state.isActive) return toSnapshot(state);
    this.#end(state, this.#options.clock());
    const snapshot = toSnapshot(state);
    this.#evictOverCap();
    return snapshot;
  }

  appendMessage(id: string, draft: MessageDraft): ChatMessage {
    const state = this.#require(id);
    if (!state.isActive) throw new SessionError('ERR_SESSION_ENDED', 'the session has ended');
    const now = this.#options.clock();
    const message = appendRecord(state, draft, now, this.#options.maxHistoryMessages);
    this.#mutated(state, now);
    return message;
  }

  updateMessage(id: string, seq: number, patch: MessagePatch): ChatMessage {
    const state = this.#require(id);
    const now = this.#options.clock();
    const message = updateRecord(state, seq, patch, now);
    this.#mutated(state, now);
    return message;
  }

  findByClientMessageId(id: string, clientMessageId: string): ChatMessage | undefined {
    return findRecord(this.#require(id), clientMessageId);
  }

  history(id: string): readonly ChatMessage[] {
    return historyOf(this.#require(id));
  }

  recordResponseTime(id: string, ms: number): void {
    const state = this.#require(id);
    histogramOf(state, this.#options.responseTimes).record(ms);
    this.#mutated(state, this.#options.clock());
  }

  touch(id: string): void {
    this.#markActivity(this.#require(id), this.#options.clock());
  }

  runExclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    if (!this.#sessions.has(id)) return Promise.reject(notFound(id));
    return this.#queue.run(id, fn);
  }

  sweep(): SweepResult {
    const now = this.#options.clock();
    const idleEnded: SessionSnapshot[] = [];
    for (const state of this.#active.values()) {
      if (now - state.lastActivityMs < this.#options.idleTimeoutMs) break;
      // A session with queued work is busy, not idle.
      if (this.#queue.pending(state.id) > 0) continue;
      this.#end(state, now);
      idleEnded.push(toSnapshot(state));
    }
    this.#idleEndedTotal += idleEnded.length;
    for (const snapshot of idleEnded)
      this.#notify('onIdleEnd', () => this.#options.onIdleEnd?.(snapshot));
    let evicted = 0;
    for (const [id, since] of this.#ended) {
      if (
        this.#ended.size <= this.#options.maxEndedRetained &&
        now - since < this.#options.retentionMs
      )
        break;
      this.#evict(id);
      evicted += 1;
    }
    return { evicted, idleEnded: idleEnded.length };
  }

  stats(): SessionManagerStats {
    return {
      active: this.#active.size,
      endedRetained: this.#ended.size,
      queued: this.#queue.pending(),
      evictedTotal: this.#evictedTotal,
      idleEndedTotal: this.#idleEndedTotal,
    };
  }

  close(): void {
    if (this.#timer === undefined) return;
    this.#options.timers.clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #require(id: string): SessionState {
    const state = this.#sessions.get(id);
    if (state === undefined) throw notFound(id);
    return state;
  }

  #checkCapacity(): void {
    if (this.#active.size >= this.#options.maxActiveSessions) {
      throw new SessionError('ERR_SESSION_LIMIT_REACHED', 'too many active sessions');
    }
  }

  #hold(state: SessionState): void {
    this.#sessions.set(state.id, state);
    if (!state.isActive) return;
    this.#active.set(state.id, state);
    let ids = this.#byUser.get(state.userId);
    if (ids === undefined) {
      ids = new Set();
      this.#byUser.set(state.userId, ids);
    }
    ids.add(state.id);
  }

  #unmapUser(state: SessionState): void {
    const ids = this.#byUser.get(state.userId);
    if (ids === undefined) return;
    ids.delete(state.id);
    if (ids.size === 0) this.#byUser.delete(state.userId);
  }

  // Finding 01: ending marks the session and drops the user mapping; eviction comes later.
  #end(state: SessionState, now: number): void {
    state.isActive = false;
    state.endTimeMs = now;
    this.#active.delete(state.id);
    this.#unmapUser(state);
    this.#ended.set(state.id, now);
    this.#mutated(state, now);
  }

  #evictOverCap(): void {
    for (const id of this.#ended.keys()) {
      if (this.#ended.size <= this.#options.maxEndedRetained) return;
      this.#evict(id);
    }
  }

  #evict(id: string): void {
    this.#ended.delete(id);
    this.#sessions.delete(id);
    this.#evictedTotal += 1;
    this.#notify('onEvict', () => this.#options.onEvict?.(id));
  }

  #mutated(state: SessionState, now: number): void {
    state.version += 1;
    state.updatedAtMs = now;
    this.#markActivity(state, now);
  }

  #markActivity(state: SessionState, now: number): void {
    state.lastActivityMs = now;
    if (!state.isActive) return;
    // Re-inserting moves the session to the end of the activity order.
    this.#active.delete(state.id);
    this.#active.set(state.id, state);
  }

  #notify(hook: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#options.logger.error({ err: error, hook }, 'session hook threw');
    }
  }

  #sweepSafely(): void {
    try {
      this.sweep();
    } catch (error) {
      this.#options.logger.error({ err: error }, 'session sweep failed');
    }
  }
}

function notFound(id: string): SessionError {
  return new SessionError(
    'ERR_SESSION_NOT_FOUND',
    `no session ${JSON.stringify(String(id).slice(0, 64))}`,
  );
}

export function createSessionManager(options?: SessionManagerOptions): SessionManager {
  return new InMemorySessionManager(options);
}
