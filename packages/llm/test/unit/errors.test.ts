import { describe, expect, it } from '@jest/globals';
import { isLlmError, LlmError } from '../../src/index.js';

describe('LlmError', () => {
  it('carries a code, retryability, retry-after and partial, with safe defaults', () => {
    const cause = new Error('upstream status 429');
    const limited = new LlmError('ERR_LLM_RATE_LIMITED', 'model rate limit reached', {
      retryable: true,
      retryAfterMs: 2_000,
      cause,
    });
    expect(limited).toMatchObject({
      name: 'LlmError',
      code: 'ERR_LLM_RATE_LIMITED',
      retryable: true,
      retryAfterMs: 2_000,
      partial: false,
    });
    expect(limited.cause).toBe(cause);
    const plain = new LlmError('ERR_LLM_AUTH', 'refused');
    expect([plain.retryable, plain.partial, 'retryAfterMs' in plain, 'cause' in plain]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('isLlmError tells it apart from other errors', () => {
    expect(isLlmError(new LlmError('ERR_LLM_CANCELLED', 'cancelled'))).toBe(true);
    expect(isLlmError(new Error('ERR_LLM_CANCELLED'))).toBe(false);
    expect(isLlmError({ code: 'ERR_LLM_CANCELLED' })).toBe(false);
  });
});
