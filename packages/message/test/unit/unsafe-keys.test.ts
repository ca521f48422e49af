import { describe, expect, it } from '@jest/globals';
import { findUnsafeKeys, isUnsafeKey } from '../../src/unsafe-keys.js';

describe('isUnsafeKey', () => {
  it('flags prototype keys and $-prefixed keys only', () => {
    for (const key of ['__proto__', 'constructor', 'prototype', '$ne', '$', '$where'])
      expect(isUnsafeKey(key)).toBe(true);
    for (const key of ['proto', '__proto', 'Constructor', 'a$', '', 'type', 'toString'])
      expect(isUnsafeKey(key)).toBe(false);
  });
});

describe('findUnsafeKeys', () => {
  it('finds keys at any depth, inside arrays too, with dot paths', () => {
    const value = JSON.parse(
      '{"a":[{"b":{"$gt":1}},2],"constructor":1,"c":{"prototype":{}}}',
    ) as unknown;
    const paths = findUnsafeKeys(value, 20)
      .map((issue) => issue.path)
      .sort();
    expect(paths).toEqual(['a.0.b.$gt', 'c.prototype', 'constructor']);
  });

  it('returns nothing for scalars and clean values', () => {
    for (const value of [null, 1, 'x', true, [], {}, [1, [2, { a: 'b' }]]])
      expect(findUnsafeKeys(value, 20)).toEqual([]);
  });

  it('stops at the limit', () => {
    const value = Object.fromEntries(
      Array.from({ length: 100 }, (_, index) => [`$${index}`, { $x: 1 }]),
    );
    expect(findUnsafeKeys(value, 5)).toHaveLength(5);
  });

  it('walks 100,000 levels of nesting without overflowing the stack and clips the path', () => {
    const depth = 100_000;
    const text = `${'{"k":'.repeat(depth)}{"__proto__":1}${'}'.repeat(depth)}`;
    const issues = findUnsafeKeys(JSON.parse(text) as unknown, 20);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path.length).toBeLessThanOrEqual(128);
    expect(issues[0]?.path.endsWith('…')).toBe(true);
  });

  it('clips a long key in a path', () => {
    const key = `$${'x'.repeat(1_000)}`;
    const [issue] = findUnsafeKeys({ [key]: 1 }, 20);
    expect(issue?.path).toHaveLength(32);
  });
});
