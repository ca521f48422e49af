import { describe, expect, it } from '@jest/globals';
import * as v from 'valibot';
import { describeIssue, formatIssue, formatPath, toWireIssues } from '../../src/wire-issue.js';

function issuesOf(schema: v.GenericSchema, input: unknown): v.BaseIssue<unknown>[] {
  const result = v.safeParse(schema, input);
  if (result.success) throw new Error('expected issues');
  return result.issues;
}

describe('describeIssue', () => {
  it.each<[string, v.GenericSchema, unknown, string]>([
    ['unknown key', v.strictObject({}), { secret: 1 }, 'unknown key'],
    ['missing key', v.strictObject({ a: v.string() }), {}, 'required key is missing'],
    ['uuid', v.pipe(v.string(), v.uuid()), 'secret', 'expected a UUID'],
    ['integer', v.pipe(v.number(), v.integer()), 1.5, 'expected a safe integer'],
    ['min value', v.pipe(v.number(), v.minValue(3)), 1, 'expected at least 3'],
    ['min length', v.pipe(v.string(), v.minLength(1)), '', 'must not be empty'],
    ['max length', v.pipe(v.string(), v.maxLength(2)), 'secret', 'too long: at most 2 characters'],
    ['max bytes', v.pipe(v.string(), v.maxBytes(2)), 'secret', 'too long: at most 2 UTF-8 bytes'],
    [
      'check',
      v.pipe(
        v.string(),
        v.check(() => false, 'fixed reason'),
      ),
      'secret',
      'fixed reason',
    ],
    ['schema type', v.string(), 5, 'expected string'],
    ['other validation', v.pipe(v.string(), v.email()), 'secret', 'invalid email'],
  ])('%s, without the input value', (_name, schema, input, message) => {
    const [issue] = issuesOf(schema, input);
    expect(describeIssue(issue!)).toBe(message);
    expect(describeIssue(issue!)).not.toContain('secret');
  });

  it('variant at the root and at type', () => {
    const schema = v.variant('type', [v.strictObject({ type: v.literal('a') })]);
    expect(describeIssue(issuesOf(schema, 1)[0]!)).toBe('expected a JSON object');
    expect(describeIssue(issuesOf(schema, {})[0]!)).toBe('expected one of "a"');
  });
});

describe('paths', () => {
  it('joins segments with dots and clips them', () => {
    expect(formatPath(['a', 0, 'b'])).toBe('a.0.b');
    expect(formatPath(['k'.repeat(40)])).toBe(`${'k'.repeat(31)}…`);
    expect(formatPath(Array.from({ length: 100 }, () => 'abc'))).toHaveLength(128);
  });

  it('maps valibot issues to wire issues and caps their number', () => {
    const schema = v.array(v.string());
    const issues = toWireIssues(
      issuesOf(
        schema,
        Array.from({ length: 50 }, () => 1),
      ),
    );
    expect(issues).toHaveLength(20);
    expect(issues[3]).toEqual({ path: '3', message: 'expected string' });
    expect(toWireIssues(issuesOf(v.string(), 1))).toEqual([
      { path: '', message: 'expected string' },
    ]);
    expect(formatIssue({ path: '', message: 'm' })).toBe('frame: m');
  });
});
