import { describe, expect, it } from '@jest/globals';
import {
  createRedisBackend,
  countKeys,
  defineScript,
  scanPattern,
} from '../../src/redis-backend.js';
import { systemTimers } from '../../src/timers.js';
import { createFakeRedis } from '../support/fake-redis.js';
import { createFakeTimers } from '../support/fake-timers.js';
import { expectCode } from '../support/expect-code.js';

const SCRIPT = defineScript('probe', 'return {1, 2}');

describe('redis backend', () => {
  it('names scripts by their SHA-1, as Redis does', () => {
    expect(defineScript('x', 'return 1').sha).toBe('e0e1f9fabfc9d4800c877a703b823ac0578ff8db');
  });

  it('falls back to EVAL when the script cache lacks the script', async () => {
    const { redis, calls } = createFakeRedis({
      evalsha: () => Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.')),
      eval: () => Promise.resolve([1, 2]),
    });
    const backend = createRedisBackend(redis, 1_000, systemTimers);
    expect(await backend.runScript(SCRIPT, ['k'], [3])).toEqual([1, 2]);
    expect(calls.map((c) => c.command)).toEqual(['evalsha', 'eval']);
    expect(calls[1]!.args).toEqual([SCRIPT.source, 1, 'k', 3]);
  });

  it('wraps other failures as ERR_RATELIMIT_BACKEND_UNAVAILABLE with the cause', async () => {
    const cause = new Error('READONLY You cannot write against a read only replica.');
    const { redis } = createFakeRedis({ evalsha: () => Promise.reject(cause) });
    const backend = createRedisBackend(redis, 1_000, systemTimers);
    const error = await expectCode(
      backend.runScript(SCRIPT, ['k'], []),
      'ERR_RATELIMIT_BACKEND_UNAVAILABLE',
    );
    expect(error.cause).toBe(cause);
  });

  it('refuses a reply that is not an array of integers', async () => {
    for (const reply of ['OK', [1, '2'], null]) {
      const { redis } = createFakeRedis({ evalsha: () => Promise.resolve(reply) });
      await expectCode(
        createRedisBackend(redis, 1_000, systemTimers).runScript(SCRIPT, [], []),
        'ERR_RATELIMIT_BACKEND_UNAVAILABLE',
      );
    }
  });

  it('times out a command that never answers, clears its timer on success, and swallows the late failure', async () => {
    const timers = createFakeTimers();
    let rejectLate: (error: Error) => void = () => undefined;
    const { redis } = createFakeRedis({
      evalsha: () => new Promise((_, reject) => (rejectLate = reject)),
      scan: () => Promise.resolve(['0', []]),
    });
    const backend = createRedisBackend(redis, 250, timers);
    const pending = backend.runScript(SCRIPT, ['k'], []);
    timers.advance(250);
    await expectCode(pending, 'ERR_RATELIMIT_BACKEND_TIMEOUT');
    rejectLate(new Error('Connection is closed.'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await countKeys(backend, 'p:')).toBe(0);
    expect(timers.timeouts()).toBe(0);
  });

  it('counts keys across SCAN pages without counting a key twice', async () => {
    const pages: Record<string, [string, string[]]> = {
      '0': ['7', ['p:a', 'p:b']],
      '7': ['0', ['p:b', 'p:c']],
    };
    const { redis, calls } = createFakeRedis(
      { scan: (cursor) => Promise.resolve(pages[cursor as string]) },
      'app:',
    );
    expect(await countKeys(createRedisBackend(redis, 1_000, systemTimers), 'p:')).toBe(3);
    expect(calls[0]!.args).toEqual(['0', 'MATCH', 'app:p:*', 'COUNT', 1000]);
  });

  it('escapes glob characters of the prefix', () => {
    const { redis } = createFakeRedis();
    expect(scanPattern(redis, 'rl:[a]*?\\:')).toBe('rl:\\[a\\]\\*\\?\\\\:*');
  });
});
