import { describe, expect, it } from '@jest/globals';
import {
  isWireErrorCode,
  WIRE_ERROR_CODES,
  WIRE_ERROR_RETRYABLE,
} from '../../src/wire-error-codes.js';

describe('wire error codes', () => {
  it('has one retryable default per code and no others', () => {
    expect(Object.keys(WIRE_ERROR_RETRYABLE).sort()).toEqual([...WIRE_ERROR_CODES].sort());
    expect(new Set(WIRE_ERROR_CODES).size).toBe(17);
  });

  it('refused frames are not retryable; load, storage and upstream conditions are', () => {
    for (const code of [
      'bad_json',
      'bad_frame',
      'too_long',
      'unsupported_frame',
      'forbidden',
      'upstream_rejected',
    ] as const) {
      expect(WIRE_ERROR_RETRYABLE[code]).toBe(false);
    }
    for (const code of [
      'rate_limited',
      'storage_unavailable',
      'upstream_timeout',
      'upstream_interrupted',
      'server_draining',
    ] as const) {
      expect(WIRE_ERROR_RETRYABLE[code]).toBe(true);
    }
  });

  it('the table cannot be changed at run time', () => {
    expect(Object.isFrozen(WIRE_ERROR_RETRYABLE)).toBe(true);
  });

  it('isWireErrorCode recognises exactly the codes', () => {
    for (const code of WIRE_ERROR_CODES) expect(isWireErrorCode(code)).toBe(true);
    for (const value of ['BAD_JSON', 'toString', '__proto__', '', 1, null, undefined])
      expect(isWireErrorCode(value)).toBe(false);
  });
});
