import { describe, expect, it } from '@jest/globals';
import { createMemoryConcurrencyLimiter } from '@chatbox/ratelimit';
import { concurrencyContract } from '../contract/concurrency-contract.js';

concurrencyContract('memory', async () => ({
  create: (options) => createMemoryConcurrencyLimiter(options),
  close: async () => undefined,
}));

describe('createMemoryConcurrencyLimiter', () => {
  it('frees the slot on every exit path of a generation and leaks no key', async () => {
    const limiter = createMemoryConcurrencyLimiter({ limit: 1 });
    const generate = async (outcome: 'ok' | 'throw'): Promise<void> => {
      const slot = await limiter.acquire('user');
      if (!slot.ok) throw new Error('busy');
      try {
        if (outcome === 'throw') throw new Error('upstream failed');
      } finally {
        await slot.release();
      }
    };
    for (let i = 0; i < 1_000; i += 1) {
      await generate('ok');
      await expect(generate('throw')).rejects.toThrow('upstream failed');
    }
    expect(await limiter.active('user')).toBe(0);
    expect(await limiter.size()).toBe(0);
    await limiter.close();
  });

  it('a release after close does not resurrect or corrupt counts', async () => {
    const limiter = createMemoryConcurrencyLimiter({ limit: 2 });
    const a = await limiter.acquire('u');
    const b = await limiter.acquire('u');
    if (!a.ok || !b.ok) throw new Error('expected slots');
    await a.release();
    await b.release();
    await b.release();
    expect(await limiter.active('u')).toBe(0);
    await limiter.close();
  });
});
