import type { SessionManager } from '@chatbox/session';
import type { MeteredSessionStore } from '@chatbox/storage';
import type { RouterStore } from '../../src/index.js';

/** A SessionManager forwarding to `real` (whose #private fields rule out Object.create), with overrides. */
export function sessionsWith(
  real: SessionManager,
  overrides: Partial<SessionManager> = {},
): SessionManager {
  return {
    create: (userId) => real.create(userId),
    restore: (snapshot, recent) => real.restore(snapshot, recent),
    remove: (id) => real.remove(id),
    get: (id) => real.get(id),
    snapshot: (id) => real.snapshot(id),
    getOwned: (id, userId) => real.getOwned(id, userId),
    has: (id) => real.has(id),
    activeSessionsOf: (userId) => real.activeSessionsOf(userId),
    end: (id) => real.end(id),
    appendMessage: (id, draft) => real.appendMessage(id, draft),
    updateMessage: (id, seq, patch) => real.updateMessage(id, seq, patch),
    findByClientMessageId: (id, key) => real.findByClientMessageId(id, key),
    history: (id) => real.history(id),
    recordResponseTime: (id, ms) => real.recordResponseTime(id, ms),
    touch: (id) => real.touch(id),
    runExclusive: (id, fn) => real.runExclusive(id, fn),
    sweep: () => real.sweep(),
    stats: () => real.stats(),
    close: () => real.close(),
    ...overrides,
  };
}

/** The router's view of `store`, with some calls replaced (fault injection, spies). */
export function storeWith(
  store: MeteredSessionStore,
  overrides: Partial<RouterStore> = {},
): RouterStore {
  return {
    createSession: (s) => store.createSession(s),
    saveSession: (s) => store.saveSession(s),
    endSession: (s) => store.endSession(s),
    getSession: (id) => store.getSession(id),
    appendMessage: (m) => store.appendMessage(m),
    getMessages: (id, o) => store.getMessages(id, o),
    updateMessage: (id, seq, patch) => store.updateMessage(id, seq, patch),
    markStaleStreaming: (olderThan) => store.markStaleStreaming(olderThan),
    ...overrides,
  };
}
