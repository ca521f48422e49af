import { afterEach, describe, expect, it } from '@jest/globals';
import { createSessionManager } from '../../src/session-manager.js';
import type { SessionManager } from '../../src/session-manager-api.js';
import type { SessionManagerOptions } from '../../src/options.js';
import { fakeClock, sequentialIds } from '../support/fakes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('session manager: lifecycle', () => {
  const opened: SessionManager[] = [];
  const open = (options: SessionManagerOptions = {}): SessionManager => {
    const manager = createSessionManager({ sweepIntervalMs: 0, ...options });
    opened.push(manager);
    return manager;
  };
  afterEach(() => {
    for (const manager of opened.splice(0)) manager.close();
  });

  it('creates an active session with a random UUID by default', () => {
    const manager = open();
    const a = manager.create('alice');
    const b = manager.create('alice');
    expect(a.id).toMatch(UUID);
    expect(b.id).not.toBe(a.id);
    expect(a).toMatchObject({
      userId: 'alice',
      isActive: true,
      lastSeq: 0,
      messageCount: 0,
      version: 1,
    });
    expect(a.endTime).toBeUndefined();
    expect(a.responseTimes.count).toBe(0);
    expect(manager.activeSessionsOf('alice')).toEqual([a.id, b.id]);
  });

  it('uses the injected clock and id source', () => {
    const clock = fakeClock(1_000_000);
    const manager = open({ clock: clock.now, idSource: sequentialIds() });
    const snapshot = manager.create('u');
    expect(snapshot.id).toBe('session-1');
    expect(snapshot.createdAt.getTime()).toBe(1_000_000);
    expect(snapshot.updatedAt.getTime()).toBe(1_000_000);
  });

  it('refuses an empty user id and bad or repeated ids from the id source', () => {
    const manager = open({ idSource: () => 'same' });
    expect(() => manager.create('')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_INVALID_ARGUMENT' }),
    );
    manager.create('u');
    expect(() => manager.create('u')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_DUPLICATE_ID' }),
    );
    const empty = open({ idSource: () => '' });
    expect(() => empty.create('u')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_INVALID_ARGUMENT' }),
    );
    expect(manager.activeSessionsOf('u')).toEqual(['same']);
  });

  it('refuses a session beyond maxActiveSessions', () => {
    const manager = open({ maxActiveSessions: 2 });
    const first = manager.create('u');
    manager.create('u');
    expect(() => manager.create('u')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_LIMIT_REACHED' }),
    );
    manager.end(first.id);
    expect(() => manager.create('u')).not.toThrow();
  });

  it('returns deeply frozen snapshots whose Dates are not shared', () => {
    const manager = open();
    const { id } = manager.create('u');
    const first = manager.get(id)!;
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.createdAt)).toBe(true);
    expect(Object.isFrozen(first.responseTimes)).toBe(true);
    first.createdAt.setTime(0);
    expect(manager.get(id)!.createdAt.getTime()).not.toBe(0);
    expect(() => {
      (first as { isActive: boolean }).isActive = false;
    }).toThrow(TypeError);
  });

  it('looks sessions up: get, snapshot, has, getOwned', () => {
    const manager = open();
    const { id } = manager.create('alice');
    expect(manager.has(id)).toBe(true);
    expect(manager.snapshot(id).id).toBe(id);
    expect(manager.getOwned(id, 'alice').userId).toBe('alice');
    expect(() => manager.getOwned(id, 'mallory')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_NOT_OWNED' }),
    );
    expect(manager.get('missing')).toBeUndefined();
    expect(manager.has('missing')).toBe(false);
    expect(() => manager.snapshot('missing')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_NOT_FOUND' }),
    );
    expect(() => manager.getOwned('missing', 'alice')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_NOT_FOUND' }),
    );
  });

  it('ends a session: inactive, endTime set, user mapping removed, still readable', () => {
    const clock = fakeClock();
    const manager = open({ clock: clock.now });
    const created = manager.create('alice');
    const other = manager.create('alice');
    clock.advance(5_000);
    const ended = manager.end(created.id);
    expect(ended).toMatchObject({ isActive: false, version: created.version + 1 });
    expect(ended.endTime?.getTime()).toBe(created.createdAt.getTime() + 5_000);
    expect(manager.activeSessionsOf('alice')).toEqual([other.id]);
    expect(manager.get(created.id)?.isActive).toBe(false);
    expect(manager.stats()).toMatchObject({ active: 1, endedRetained: 1 });
  });

  it('ends idempotently and drops the user entry with the last session', () => {
    const manager = open();
    const { id } = manager.create('bob');
    const first = manager.end(id);
    const second = manager.end(id);
    expect(second.version).toBe(first.version);
    expect(second.endTime?.getTime()).toBe(first.endTime?.getTime());
    expect(manager.activeSessionsOf('bob')).toEqual([]);
    expect(() => manager.end('missing')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_NOT_FOUND' }),
    );
  });

  it('removes a session completely (rollback of a failed create)', () => {
    const manager = open();
    const { id } = manager.create('carol');
    expect(manager.remove(id)).toBe(true);
    expect(manager.has(id)).toBe(false);
    expect(manager.activeSessionsOf('carol')).toEqual([]);
    expect(manager.stats()).toMatchObject({ active: 0, endedRetained: 0 });
    expect(manager.remove(id)).toBe(false);
    const ended = manager.create('carol');
    manager.end(ended.id);
    expect(manager.remove(ended.id)).toBe(true);
    expect(manager.stats().endedRetained).toBe(0);
  });

  it('keeps other users’ mappings when a session is removed', () => {
    const manager = open();
    const a = manager.create('a');
    const b = manager.create('b');
    manager.remove(a.id);
    expect(manager.activeSessionsOf('b')).toEqual([b.id]);
  });

  it('touches without changing the snapshot', () => {
    const clock = fakeClock();
    const manager = open({ clock: clock.now });
    const { id, version } = manager.create('u');
    clock.advance(10);
    manager.touch(id);
    expect(manager.get(id)!.version).toBe(version);
    manager.end(id);
    expect(() => manager.touch(id)).not.toThrow();
    expect(() => manager.touch('missing')).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_NOT_FOUND' }),
    );
  });

  it('closes idempotently and stays usable', () => {
    const manager = open();
    manager.close();
    manager.close();
    expect(manager.create('u').isActive).toBe(true);
  });
});
