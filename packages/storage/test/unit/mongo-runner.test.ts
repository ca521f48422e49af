import { describe, expect, it } from '@jest/globals';
import { MongoNetworkError } from 'mongodb';
import { OperationRunner } from '../../src/mongo-runner.js';
import { normaliseMongoOptions } from '../../src/mongo-options.js';

function waitQueueTimeout(): Error {
  const error = new Error('Timed out while checking out a connection from connection pool');
  error.name = 'MongoWaitQueueTimeoutError';
  return error;
}

function runner(): OperationRunner {
  return new OperationRunner(
    normaliseMongoOptions({
      uri: 'mongodb://127.0.0.1:1',
      database: 'runner',
      retry: { attempts: 4, baseDelayMs: 0, maxDelayMs: 0, deadlineMs: 5_000 },
    }),
  );
}

describe('OperationRunner retry policy', () => {
  it('does not retry a wait-queue timeout and reports it as the retryable ERR_STORAGE_UNAVAILABLE', async () => {
    const r = runner();
    let attempts = 0;
    const error = await r
      .run('appendMessages', () => {
        attempts += 1;
        return Promise.reject(waitQueueTimeout());
      })
      .catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect(error).toMatchObject({ code: 'ERR_STORAGE_UNAVAILABLE', retryable: true });
    expect((error as Error).cause).toMatchObject({ name: 'MongoWaitQueueTimeoutError' });
    expect(r.metrics).toEqual({ retries: 0, failures: 1 });
    r.close();
  });

  it('still retries a network error', async () => {
    const r = runner();
    let attempts = 0;
    await expect(
      r.run('ping', () => {
        attempts += 1;
        return attempts < 3 ? Promise.reject(new MongoNetworkError('reset')) : Promise.resolve(7);
      }),
    ).resolves.toBe(7);
    expect(r.metrics).toEqual({ retries: 2, failures: 0 });
    r.close();
  });
});
