import { describe, expect, it } from '@jest/globals';
import { editDistance, findUnknownFields } from '../../src/unknown-fields.js';
import type { FieldSchema } from '../../src/unknown-fields.js';

const scalar: FieldSchema = { kind: 'scalar' };
const item: FieldSchema = {
  kind: 'object',
  fields: () =>
    new Map([
      ['name', () => scalar],
      ['containerPort', () => scalar],
    ]),
};
const root: FieldSchema = {
  kind: 'object',
  fields: () =>
    new Map<string, () => FieldSchema>([
      ['labels', () => ({ kind: 'map', values: () => scalar })],
      ['ports', () => ({ kind: 'array', items: () => item })],
      ['raw', () => ({ kind: 'any' })],
      ['name', () => scalar],
    ]),
};

describe('findUnknownFields', () => {
  it('walks objects, maps and arrays; any and scalars end the walk', () => {
    const value = {
      labels: { 'app.kubernetes.io/name': 'x' },
      ports: [{ name: 'http', containerPor: 1 }],
      raw: { whatever: { deep: 1 } },
      name: { odd: true },
    };
    expect(findUnknownFields(value, root)).toEqual([
      { path: 'ports[0]', field: 'containerPor', suggestion: 'containerPort' },
    ]);
  });

  it('has no suggestion for a field unlike any known one, and ignores shapes that do not match', () => {
    expect(findUnknownFields({ zzzzzzzz: 1 }, root)).toEqual([{ path: '', field: 'zzzzzzzz' }]);
    expect(findUnknownFields({ labels: ['a'], ports: { a: 1 } }, root)).toEqual([]);
    expect(findUnknownFields([1], root)).toEqual([]);
    expect(findUnknownFields('text', root)).toEqual([]);
  });

  it('measures edit distance case-insensitively', () => {
    expect(editDistance('readinessProbes', 'readinessprobe')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
