import { describe, expect, it } from '@jest/globals';
import type { TopologyDescription } from 'mongodb';
import {
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { isDuplicateKeyError, isPoolOverloadError, isTransientError } from '../../src/index.js';

function socketError(code: string): Error {
  return Object.assign(new Error(`socket ${code}`), { code });
}

function serverError(code: number, labels: string[] = []): MongoServerError {
  return new MongoServerError({
    message: `server said ${code}`,
    errmsg: `server said ${code}`,
    code,
    errorLabels: labels,
  });
}

function named(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

describe('isTransientError', () => {
  it.each([
    ['MongoNetworkError', new MongoNetworkError('connection reset')],
    ['MongoNetworkTimeoutError', new MongoNetworkTimeoutError('socket timed out')],
    [
      'MongoServerSelectionError',
      new MongoServerSelectionError('no server', {
        servers: new Map(),
      } as unknown as TopologyDescription),
    ],
    ['pool cleared', named('MongoPoolClearedError')],
    ['RetryableWriteError label', serverError(1, ['RetryableWriteError'])],
    ['TransientTransactionError label', serverError(1, ['TransientTransactionError'])],
    ['NotWritablePrimary', serverError(10107)],
    ['ShutdownInProgress', serverError(91)],
    ['raw ECONNRESET (reliability.md: seen unlabelled from the driver)', socketError('ECONNRESET')],
    ['raw EPIPE', socketError('EPIPE')],
    ['raw ETIMEDOUT', socketError('ETIMEDOUT')],
    ['ECONNRESET as a cause', new Error('wrapped', { cause: socketError('ECONNRESET') })],
  ])('retries %s', (_label, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['duplicate key', serverError(11000)],
    ['duplicate key even with a retry label', serverError(11000, ['RetryableWriteError'])],
    ['document validation', serverError(121)],
    ['authentication failed', serverError(18)],
    ['unauthorized', serverError(13)],
    ['an unknown server error', serverError(59)],
    ['a plain error', new Error('bug')],
    ['a string', 'ECONNRESET'],
    ['null', null],
    ['an unknown socket code', socketError('ENOENT')],
    // Local overload: a retry re-queues the same request on the same exhausted pool.
    ['wait queue timeout (pool exhausted)', named('MongoWaitQueueTimeoutError')],
    [
      'wait queue timeout wrapping a network error',
      Object.assign(named('MongoWaitQueueTimeoutError'), { cause: socketError('ECONNRESET') }),
    ],
  ])('does not retry %s', (_label, error) => {
    expect(isTransientError(error)).toBe(false);
  });

  it('stops following causes after a bounded depth', () => {
    let error: Error = socketError('ECONNRESET');
    for (let i = 0; i < 10; i += 1) error = new Error(`level ${i}`, { cause: error });
    expect(isTransientError(error)).toBe(false);
  });
});

describe('isDuplicateKeyError', () => {
  it('recognises codes 11000 and 11001 only', () => {
    expect(isDuplicateKeyError(serverError(11000))).toBe(true);
    expect(isDuplicateKeyError({ code: 11001 })).toBe(true);
    expect(isDuplicateKeyError(serverError(121))).toBe(false);
    expect(isDuplicateKeyError(undefined)).toBe(false);
  });
});

describe('isPoolOverloadError', () => {
  it('recognises a wait-queue timeout, also as a cause, and nothing else', () => {
    expect(isPoolOverloadError(named('MongoWaitQueueTimeoutError'))).toBe(true);
    expect(
      isPoolOverloadError(new Error('wrapped', { cause: named('MongoWaitQueueTimeoutError') })),
    ).toBe(true);
    expect(isPoolOverloadError(new MongoNetworkError('reset'))).toBe(false);
    expect(isPoolOverloadError({ name: 'MongoWaitQueueTimeoutError' })).toBe(false);
    expect(isPoolOverloadError(undefined)).toBe(false);
    let deep: Error = named('MongoWaitQueueTimeoutError');
    for (let i = 0; i < 10; i += 1) deep = new Error(`level ${i}`, { cause: deep });
    expect(isPoolOverloadError(deep)).toBe(false);
  });
});

describe('errors of the bulk API (insertMany)', () => {
  // The driver wraps a driver-side error of a bulk write in a MongoBulkWriteError without its
  // labels, keeping the original only as `errorResponse` (seen with a reset during insertMany).
  function bulkWrapping(original: Error): Error {
    return Object.assign(new Error(original.message), {
      name: 'MongoBulkWriteError',
      errorResponse: original,
    });
  }

  it('classifies the wrapped error', () => {
    expect(isTransientError(bulkWrapping(new MongoNetworkError('read ECONNRESET')))).toBe(true);
    expect(isTransientError(bulkWrapping(named('MongoWaitQueueTimeoutError')))).toBe(false);
    expect(isPoolOverloadError(bulkWrapping(named('MongoWaitQueueTimeoutError')))).toBe(true);
    expect(isTransientError(bulkWrapping(new Error('bug')))).toBe(false);
    expect(
      isTransientError(Object.assign(named('MongoBulkWriteError'), { errorResponse: {} })),
    ).toBe(false);
  });
});
