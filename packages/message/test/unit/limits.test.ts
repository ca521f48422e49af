import { describe, expect, it } from '@jest/globals';
import { MessageError } from '../../src/errors.js';
import {
  DEFAULT_LIMITS,
  DEFAULT_MAX_CONTENT_BYTES,
  DEFAULT_MAX_CONTENT_CHARS,
  resolveLimits,
} from '../../src/limits.js';

describe('resolveLimits', () => {
  it('defaults', () => {
    expect(resolveLimits(undefined)).toBe(DEFAULT_LIMITS);
    expect(resolveLimits({})).toEqual({
      maxChars: DEFAULT_MAX_CONTENT_CHARS,
      maxBytes: DEFAULT_MAX_CONTENT_BYTES,
      maxFrameChars: 6 * DEFAULT_MAX_CONTENT_CHARS + 1_024,
    });
  });

  it('derives the frame cap from maxChars unless given', () => {
    expect(resolveLimits({ maxChars: 100 }).maxFrameChars).toBe(1_624);
    expect(resolveLimits({ maxChars: 100, maxFrameChars: 50 }).maxFrameChars).toBe(50);
  });

  it('throws a MessageError naming the bad option', () => {
    const call = (): unknown => resolveLimits({ maxFrameChars: 0 });
    expect(call).toThrow(
      new MessageError(
        'ERR_MESSAGE_INVALID_LIMITS',
        'limits.maxFrameChars must be a positive safe integer',
      ),
    );
  });
});

describe('MessageError', () => {
  it('carries code, cause and issues', () => {
    const cause = new Error('root');
    const error = new MessageError('ERR_MESSAGE_INVALID_FRAME', 'bad', {
      cause,
      issues: [{ path: 'a', message: 'b' }],
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MessageError');
    expect(error.cause).toBe(cause);
    expect(error.issues).toEqual([{ path: 'a', message: 'b' }]);
    expect(new MessageError('ERR_MESSAGE_INVALID_LIMITS', 'x').issues).toEqual([]);
    expect('cause' in new MessageError('ERR_MESSAGE_INVALID_LIMITS', 'x')).toBe(false);
  });
});
