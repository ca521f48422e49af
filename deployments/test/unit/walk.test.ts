import { describe, expect, it } from '@jest/globals';
import yaml from 'js-yaml';
import { createLineLocator } from '../../src/line-locator.js';
import { walkDocuments } from '../../src/walk.js';

function lines(text: string, documents: unknown[] = yaml.loadAll(text)): string[] {
  const out: string[] = [];
  walkDocuments(documents, text, (entry) => out.push(`${entry.path.join('.')}@${entry.line}`));
  return out;
}

describe('walkDocuments', () => {
  it('gives block, flow and sequence entries their own lines', () => {
    const text = [
      'a:',
      '  - x',
      '  - 2',
      '  - true',
      '  - {k: v}',
      '  - []',
      '  - null',
      'b: {c: 1,',
      '  d: 2}',
    ].join('\n');
    expect(lines(text)).toEqual([
      'a@1',
      'a.0@2',
      'a.1@3',
      'a.2@4',
      'a.3@5',
      'a.3.k@5',
      'a.4@1',
      'a.5@1',
      'b@8',
      'b.c@8',
      'b.d@9',
    ]);
  });

  it('finds integer-like keys that JavaScript moves to the front', () => {
    const text = ['b: 1', '"2": 2', 'c: 3'].join('\n');
    expect(lines(text)).toEqual(['2@2', 'b@1', 'c@3']);
  });

  it('finds JSON keys written without a space after the colon, and falls back to the parent line', () => {
    const text = '{\n  "outer": {"inner":"v"}\n}';
    expect(lines(text, [JSON.parse(text)])).toEqual(['outer@2', 'outer.inner@2']);
    expect(lines('a: 1', [{ a: 1, ghost: { b: 2 } }])).toEqual(['a@1', 'ghost@1', 'ghost.b@1']);
  });
});

describe('createLineLocator', () => {
  it('maps offsets to 1-based lines and finds keys in quotes', () => {
    const locator = createLineLocator('x: 1\n\'y\': 2\n"z" : 3\n');
    expect([0, 4, 5, 12, 100].map((offset) => locator.lineAt(offset))).toEqual([1, 1, 2, 3, 4]);
    expect(locator.key('y', 0)?.line).toBe(2);
    expect(locator.key('z', 0)?.line).toBe(3);
    expect(locator.key('x', 5)).toBeUndefined();
    expect(locator.scalar('2', 0)?.line).toBe(2);
  });
});
