import { describe, expect, it } from '@jest/globals';
import { ConnectionRegistry } from '../../src/registry.js';
import { FakeConnection } from '../support/fake-connection.js';

describe('ConnectionRegistry', () => {
  it('binds, replaces and reports the replaced connection already unregistered', () => {
    const registry = new ConnectionRegistry();
    const a = new FakeConnection();
    const b = new FakeConnection();
    registry.attach(a);
    registry.attach(a);
    registry.attach(b);
    expect(registry.size).toBe(2);
    expect(registry.bind(a, 's1')).toEqual({ bound: true });
    expect(registry.bind(a, 's1')).toEqual({ bound: true });
    const result = registry.bind(b, 's1');
    expect(result.replaced).toBe(a);
    expect(registry.isAttached(a)).toBe(false);
    expect(registry.connectionOf('s1')).toBe(b);
    expect(registry.detach(a)).toBeUndefined();
    expect(registry.size).toBe(1);
    expect(registry.boundSessions).toBe(1);
  });

  it('moving a connection to another session leaves the old one unbound', () => {
    const registry = new ConnectionRegistry();
    const a = new FakeConnection();
    registry.attach(a);
    registry.bind(a, 's1');
    registry.bind(a, 's2');
    expect(registry.connectionOf('s1')).toBeUndefined();
    expect(registry.sessionOf(a)).toBe('s2');
    expect(registry.boundSessions).toBe(1);
  });

  it('refuses to bind a connection that is not attached, so a late frame cannot leak an entry', () => {
    const registry = new ConnectionRegistry();
    const a = new FakeConnection();
    expect(registry.bind(a, 's1')).toEqual({ bound: false });
    expect(registry.boundSessions).toBe(0);
  });

  it('detach reports the session only when the connection was its bound one', () => {
    const registry = new ConnectionRegistry();
    const a = new FakeConnection();
    const b = new FakeConnection();
    registry.attach(a);
    registry.attach(b);
    expect(registry.detach(b)).toBeUndefined();
    registry.bind(a, 's1');
    expect(registry.detach(a)).toBe('s1');
    expect(registry.size).toBe(0);
    expect(registry.boundSessions).toBe(0);
  });

  it('remembers when each session was bound, and forgets it with the binding', () => {
    const registry = new ConnectionRegistry();
    const a = new FakeConnection();
    const b = new FakeConnection();
    registry.attach(a);
    registry.attach(b);
    registry.bind(a, 's1', 100);
    expect(registry.boundAt('s1')).toBe(100);
    registry.bind(b, 's1', 250);
    expect(registry.boundAt('s1')).toBe(250);
    registry.detach(b);
    expect(registry.boundAt('s1')).toBeUndefined();
  });

  it('releaseSession removes the holder entirely; clear empties everything', () => {
    const registry = new ConnectionRegistry();
    const a = new FakeConnection();
    const b = new FakeConnection();
    registry.attach(a);
    registry.attach(b);
    registry.bind(a, 's1');
    expect(registry.releaseSession('s1')).toBe(a);
    expect(registry.releaseSession('s1')).toBeUndefined();
    expect(registry.isAttached(a)).toBe(false);
    registry.bind(b, 's2');
    registry.clear();
    expect(registry.size + registry.boundSessions).toBe(0);
  });
});
