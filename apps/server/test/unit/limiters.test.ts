import { describe, expect, it } from '@jest/globals';
import { freePort } from '@chatbox/testkit';
import { pino } from 'pino';
import { createLimiters } from '../../src/limiters.js';
import { LogCapture, testConfig } from '../support/harness.js';

describe('limiters', () => {
  it('limits messages and generations per user in memory', async () => {
    const { config } = testConfig({
      CHATBOX_RATE_LIMIT_MESSAGES_PER_MINUTE: '2',
      CHATBOX_RATE_LIMIT_CONCURRENT_GENERATIONS_PER_USER: '1',
    });
    const limiters = createLimiters({
      config: config.rateLimit,
      maxConnectionsPerUser: 5,
      logger: pino({ level: 'silent' }),
    });
    expect(limiters.backend).toBe('memory');
    expect(limiters.redis).toBeUndefined();
    expect(limiters.connectionLimiter).toBeUndefined();
    expect(limiters.status()).toEqual({ status: 'up', backend: 'memory' });
    expect((await limiters.messageLimiter.consume('u')).allowed).toBe(true);
    expect((await limiters.messageLimiter.consume('u')).allowed).toBe(true);
    const third = await limiters.messageLimiter.consume('u');
    expect(third.allowed).toBe(false);
    expect(third.retryAfterMs).toBeGreaterThan(0);
    const slot = await limiters.generationLimiter.acquire('u');
    expect(slot.ok).toBe(true);
    expect((await limiters.generationLimiter.acquire('u')).ok).toBe(false);
    if (slot.ok) await slot.release();
    expect((await limiters.generationLimiter.acquire('u')).ok).toBe(true);
    await limiters.close();
  });

  it('fails open, logged and reported, when the backend fails', async () => {
    const { config } = testConfig();
    const capture = new LogCapture();
    const errors: string[] = [];
    const limiters = createLimiters({
      config: config.rateLimit,
      maxConnectionsPerUser: 5,
      logger: pino(capture),
      onBackendError: (operation, code) => errors.push(`${operation}:${code}`),
    });
    await limiters.close();
    await limiters.close();
    expect(await limiters.messageLimiter.consume('u')).toEqual({ allowed: true, retryAfterMs: 0 });
    const slot = await limiters.generationLimiter.acquire('u');
    expect(slot.ok).toBe(true);
    if (slot.ok) await slot.release();
    expect(errors).toEqual(['consume:ERR_RATELIMIT_CLOSED', 'acquire:ERR_RATELIMIT_CLOSED']);
    expect(
      capture.lines.filter(
        (line) => line.msg === 'rate limiter backend failed; allowing the request',
      ),
    ).toHaveLength(2);
  });

  it('with Redis unreachable, degrades the global caps to per-instance caps instead of none', async () => {
    const { config } = testConfig({
      CHATBOX_RATE_LIMIT_BACKEND: 'redis',
      CHATBOX_RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      CHATBOX_RATE_LIMIT_CONCURRENT_GENERATIONS_PER_USER: '1',
    });
    const errors: string[] = [];
    const limiters = createLimiters({
      config: config.rateLimit,
      maxConnectionsPerUser: 2,
      logger: pino({ level: 'silent' }),
      onBackendError: (operation) => errors.push(operation),
    });
    try {
      expect(limiters.backend).toBe('redis');
      expect(limiters.status()).toEqual({
        status: expect.stringMatching(/down|connecting/),
        backend: 'redis',
      });
      const burst = [];
      for (let i = 0; i < config.rateLimit.messagesPerMinute + 1; i += 1)
        burst.push((await limiters.messageLimiter.consume('u')).allowed);
      expect(burst.filter(Boolean)).toHaveLength(config.rateLimit.messagesPerMinute);
      expect(burst.at(-1)).toBe(false);
      const generation = await limiters.generationLimiter.acquire('u');
      expect(generation.ok).toBe(true);
      expect((await limiters.generationLimiter.acquire('u')).ok).toBe(false);
      const connections = limiters.connectionLimiter!;
      const first = await connections.acquire('u');
      const second = await connections.acquire('u');
      expect([first.ok, second.ok]).toEqual([true, true]);
      expect((await connections.acquire('u')).ok).toBe(false);
      if (first.ok) await first.release();
      expect((await connections.acquire('u')).ok).toBe(true);
      if (generation.ok) await generation.release();
      expect((await limiters.generationLimiter.acquire('u')).ok).toBe(true);
      expect(errors).toContain('consume');
      expect(errors).toContain('acquire');
    } finally {
      await limiters.close();
    }
  }, 20_000);
});
