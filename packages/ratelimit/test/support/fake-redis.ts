import type { Redis } from 'ioredis';

export interface FakeRedisCall {
  readonly command: string;
  readonly args: readonly unknown[];
}

/**
 * A scripted stand-in for unit tests of the backend plumbing (timeouts, NOSCRIPT, odd replies).
 * Behaviour against a real server is covered by test/integration.
 */
export function createFakeRedis(
  handlers: Partial<
    Record<'evalsha' | 'eval' | 'scan' | 'zrem' | 'del', (...args: unknown[]) => Promise<unknown>>
  > = {},
  keyPrefix?: string,
): { redis: Redis; calls: FakeRedisCall[] } {
  const calls: FakeRedisCall[] = [];
  const method =
    (command: keyof typeof handlers) =>
    (...args: unknown[]): Promise<unknown> => {
      calls.push({ command, args });
      const handler = handlers[command];
      return handler === undefined
        ? Promise.reject(new Error(`unexpected ${command}`))
        : handler(...args);
    };
  const redis = {
    options: keyPrefix === undefined ? {} : { keyPrefix },
    evalsha: method('evalsha'),
    eval: method('eval'),
    scan: method('scan'),
    zrem: method('zrem'),
    del: method('del'),
  };
  return { redis: redis as unknown as Redis, calls };
}
