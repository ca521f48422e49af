import { describe, expect, it } from '@jest/globals';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AnthropicError,
} from '@anthropic-ai/sdk';
import { mapUpstreamError, retryAfterMsOf } from '../../src/upstream-errors.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function statusError(status: number, headers: Record<string, string> = {}): APIError {
  return APIError.generate(
    status,
    { type: 'error', error: { type: 'x_error', message: 'upstream says: the prompt was ...' } },
    undefined,
    new Headers(headers),
  );
}

describe('retryAfterMsOf', () => {
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(retryAfterMsOf(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), NOW)).toBe(
      1_500,
    );
    expect(retryAfterMsOf(new Headers({ 'retry-after': '2' }), NOW)).toBe(2_000);
    expect(
      retryAfterMsOf(new Headers({ 'retry-after': new Date(NOW + 3_000).toUTCString() }), NOW),
    ).toBe(3_000);
  });

  it('ignores missing, past, negative and garbage values', () => {
    expect(retryAfterMsOf(undefined, NOW)).toBeUndefined();
    expect(retryAfterMsOf(new Headers(), NOW)).toBeUndefined();
    expect(retryAfterMsOf(new Headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(retryAfterMsOf(new Headers({ 'retry-after': '-4' }), NOW)).toBeUndefined();
    expect(
      retryAfterMsOf(new Headers({ 'retry-after': new Date(NOW - 3_000).toUTCString() }), NOW),
    ).toBeUndefined();
  });
});

describe('mapUpstreamError', () => {
  it('maps statuses before the stream to codes and retryability', () => {
    const table: [number, string, boolean][] = [
      [400, 'ERR_LLM_BAD_REQUEST', false],
      [401, 'ERR_LLM_AUTH', false],
      [403, 'ERR_LLM_AUTH', false],
      [404, 'ERR_LLM_BAD_REQUEST', false],
      [408, 'ERR_LLM_UNAVAILABLE', true],
      [413, 'ERR_LLM_INPUT_TOO_LARGE', false],
      [429, 'ERR_LLM_RATE_LIMITED', true],
      [500, 'ERR_LLM_UNAVAILABLE', true],
      [503, 'ERR_LLM_UNAVAILABLE', true],
      [529, 'ERR_LLM_OVERLOADED', true],
    ];
    for (const [status, code, retryable] of table) {
      const mapped = mapUpstreamError(
        statusError(status, { 'retry-after': '4' }),
        'connect',
        false,
        NOW,
      );
      expect([status, mapped.code, mapped.retryable, mapped.retryAfterMs]).toEqual([
        status,
        code,
        retryable,
        retryable ? 4_000 : undefined,
      ]);
    }
  });

  it('drops the upstream body from the message and the cause', () => {
    const mapped = mapUpstreamError(
      statusError(400, { 'request-id': 'req_123' }),
      'connect',
      false,
      NOW,
    );
    expect(mapped.message).not.toContain('prompt');
    expect((mapped.cause as Error).message).toBe(
      'upstream status 400, type x_error, request-id req_123',
    );
  });

  it('maps connection failures and timeouts to ERR_LLM_UNAVAILABLE', () => {
    const timeout = mapUpstreamError(new APIConnectionTimeoutError(), 'connect', false, NOW);
    const refused = mapUpstreamError(
      new APIConnectionError({ cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
      'connect',
      false,
      NOW,
    );
    expect([timeout.code, timeout.message]).toEqual([
      'ERR_LLM_UNAVAILABLE',
      'model provider timed out',
    ]);
    expect([refused.code, refused.message]).toEqual([
      'ERR_LLM_UNAVAILABLE',
      'model provider unreachable',
    ]);
  });

  it('maps an SDK abort to ERR_LLM_CANCELLED and anything unknown to ERR_LLM_UNAVAILABLE', () => {
    expect(mapUpstreamError(new APIUserAbortError(), 'connect', false, NOW).code).toBe(
      'ERR_LLM_CANCELLED',
    );
    expect(mapUpstreamError(new AnthropicError('odd'), 'connect', false, NOW).code).toBe(
      'ERR_LLM_UNAVAILABLE',
    );
    const thrown = mapUpstreamError('a string', 'connect', false, NOW);
    expect([thrown.code, (thrown.cause as Error).message]).toEqual([
      'ERR_LLM_UNAVAILABLE',
      'non-error thrown',
    ]);
  });

  it('maps every failure once the stream has started to ERR_LLM_INTERRUPTED, keeping partial', () => {
    const reset = Object.assign(new TypeError('terminated'), {
      cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }),
    });
    const mapped = mapUpstreamError(reset, 'stream', true, NOW);
    expect([mapped.code, mapped.partial, mapped.retryable]).toEqual([
      'ERR_LLM_INTERRUPTED',
      true,
      true,
    ]);
    expect((mapped.cause as Error).message).toBe('TypeError (UND_ERR_SOCKET)');
    const event = mapUpstreamError(
      new APIError(
        undefined,
        { type: 'error', error: { type: 'overloaded_error' } },
        undefined,
        new Headers(),
      ),
      'stream',
      false,
      NOW,
    );
    expect([event.code, event.partial, (event.cause as Error).message]).toEqual([
      'ERR_LLM_INTERRUPTED',
      false,
      'upstream error event, type overloaded_error',
    ]);
  });
});
