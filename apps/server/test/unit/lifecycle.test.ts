import { describe, expect, it } from '@jest/globals';
import { createLifecycle } from '../../src/lifecycle.js';

describe('lifecycle', () => {
  it('only moves forward: booting → ready → draining → closed', () => {
    let now = 1_000;
    const lifecycle = createLifecycle(() => now);
    expect(lifecycle.state).toBe('booting');
    expect(lifecycle.since).toBe(1_000);
    now = 2_000;
    lifecycle.markReady();
    expect(lifecycle.state).toBe('ready');
    expect(lifecycle.since).toBe(2_000);
    now = 3_000;
    lifecycle.beginDrain();
    lifecycle.markReady();
    expect(lifecycle.state).toBe('draining');
    expect(lifecycle.since).toBe(3_000);
    lifecycle.markClosed();
    lifecycle.beginDrain();
    expect(lifecycle.state).toBe('closed');
  });

  it('can drain straight from booting (a signal during start)', () => {
    const lifecycle = createLifecycle();
    lifecycle.beginDrain();
    lifecycle.markReady();
    expect(lifecycle.state).toBe('draining');
  });
});
