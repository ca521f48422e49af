import { describe, expect, it } from '@jest/globals';
import { freePort } from '@chatbox/testkit';
import { createMongoStore } from '../../src/index.js';
import { normaliseMongoOptions } from '../../src/mongo-options.js';
import { thrownBy } from '../support/fixtures.js';

describe('normaliseMongoOptions', () => {
  it('sets every driver bound explicitly', () => {
    const { client, retry } = normaliseMongoOptions({
      uri: 'mongodb://127.0.0.1:1',
      database: 'chat',
      retry: { attempts: 2 },
    });
    expect(client).toMatchObject({
      serverSelectionTimeoutMS: 2_000,
      socketTimeoutMS: 3_000,
      maxPoolSize: 20,
      waitQueueTimeoutMS: 2_000,
      retryWrites: true,
      retryReads: true,
      appName: 'chatbox',
      monitorCommands: false,
    });
    expect(retry.attempts).toBe(2);
    expect(retry.deadlineMs).toBe(5_000);
  });

  it.each([
    [{ uri: 'http://x', database: 'chat' }, /uri/],
    [{ uri: 'mongodb://x', database: 'a.b' }, /database/],
    [{ uri: 'mongodb://x', database: 'chat', maxPoolSize: 0 }, /maxPoolSize/],
    [{ uri: 'mongodb://x', database: 'chat', retentionMs: -5 }, /retentionMs/],
    [{ uri: 'mongodb://x', database: 'chat', retry: { deadlineMs: 0 } }, /deadlineMs/],
  ])('refuses %o', (options, message) => {
    expect(() => normaliseMongoOptions(options)).toThrow(message);
    expect(thrownBy(() => normaliseMongoOptions(options))).toMatchObject({
      code: 'ERR_STORAGE_INVALID_OPTIONS',
    });
  });
});

describe('createMongoStore with no server', () => {
  it('fails with ERR_STORAGE_UNAVAILABLE within its deadline, having retried', async () => {
    const port = await freePort();
    const retries: number[] = [];
    const started = Date.now();
    const error = await createMongoStore({
      uri: `mongodb://127.0.0.1:${port}/?directConnection=true`,
      database: 'nowhere',
      serverSelectionTimeoutMs: 150,
      connectTimeoutMs: 150,
      retry: { attempts: 10, baseDelayMs: 20, maxDelayMs: 50, deadlineMs: 800 },
      onRetry: (info) => retries.push(info.attempt),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORAGE_UNAVAILABLE' });
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(800 + 1_000);
  });
});
