import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { WIRE_ERROR_CODES } from '@chatbox/message';
import { RouterError } from '@chatbox/router';
import { StorageError } from '@chatbox/storage';
import { ERROR_TABLE, isChatboxErrorCode, mappingOf } from '../../src/errors-table.js';
import { ServerError } from '../../src/errors.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the error table', () => {
  const entries = Object.entries(ERROR_TABLE);

  it('maps every code to an HTTP error status and a protocol wire code', () => {
    expect(entries.length).toBeGreaterThan(60);
    for (const [code, mapping] of entries) {
      expect(code).toMatch(/^ERR_[A-Z]+_[A-Z_]+$/);
      expect(mapping.http).toBeGreaterThanOrEqual(400);
      expect(mapping.http).toBeLessThan(600);
      expect(WIRE_ERROR_CODES).toContain(mapping.wire);
      if (mapping.close !== undefined)
        expect([1001, 1008, 1012, 1013, 4001]).toContain(mapping.close);
    }
  });

  it('is documented row for row in the README', () => {
    for (const [code, mapping] of entries) {
      // Cells are compared trimmed: the formatter pads table columns.
      const cells = README.split('\n')
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .find((row) => row[1] === `\`${code}\`` && /^\d{3}$/.test(row[2] ?? ''));
      expect(cells).toBeDefined();
      expect(cells![2]).toBe(String(mapping.http));
      expect(cells![3]).toBe(`\`${mapping.wire}\``);
      expect(cells![4]).toBe(mapping.close === undefined ? '' : String(mapping.close));
    }
  });

  it('finds the mapping of any chatbox error by its code, and nothing else', () => {
    expect(mappingOf(new StorageError('ERR_STORAGE_UNAVAILABLE', 'x'))).toEqual({
      code: 'ERR_STORAGE_UNAVAILABLE',
      mapping: { http: 503, wire: 'storage_unavailable' },
    });
    expect(mappingOf(new RouterError('ERR_ROUTER_DRAINING', 'x'))?.mapping.close).toBe(1012);
    expect(mappingOf(new ServerError('ERR_SERVER_RATE_LIMITED', 'x'))?.mapping.http).toBe(429);
    expect(mappingOf(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeUndefined();
    expect(mappingOf('ERR_SERVER_INTERNAL')).toBeUndefined();
    expect(mappingOf(null)).toBeUndefined();
    expect(isChatboxErrorCode('ERR_LLM_DEADLINE')).toBe(true);
    expect(isChatboxErrorCode('ERR_NOT_A_CODE')).toBe(false);
  });
});
