import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_MIN_SECRET_BYTES, findSecretProblems } from '../../src/secret-policy.js';
import { KNOWN_DEFAULT_SECRETS } from '../../src/secret-lists.js';

const FILL = randomBytes(16).toString('hex');

const codes = (value: string, minBytes?: number): string[] =>
  findSecretProblems(value, minBytes === undefined ? {} : { minBytes }).map(
    (problem) => problem.code,
  );

describe('findSecretProblems', () => {
  it('accepts a strong secret and defaults to 32 bytes (RFC 7518 §3.2)', () => {
    expect(DEFAULT_MIN_SECRET_BYTES).toBe(32);
    expect(findSecretProblems(randomBytes(32).toString('base64url'))).toEqual([]);
    expect(codes(randomBytes(16).toString('hex').slice(0, 31))).toEqual(['too_short']);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const multibyte = 'é'.repeat(8) + randomBytes(8).toString('hex');
    expect(multibyte.length).toBe(24);
    expect(codes(multibyte)).not.toContain('too_short');
  });

  it('honours minBytes, 0 disabling the length rule', () => {
    const value = randomBytes(24).toString('base64url');
    expect(codes(value, 20)).toEqual([]);
    expect(codes(value, 64)).toEqual(['too_short']);
    expect(codes('q8#Lz', 0)).toEqual(['low_entropy']);
    expect(() => findSecretProblems('x', { minBytes: -1 })).toThrow(TypeError);
    expect(() => findSecretProblems('x', { minBytes: 1.5 })).toThrow(TypeError);
  });

  it.each([
    ['your-*', 'your-api-key'],
    ['your-*', `sk-your-key-${FILL}`],
    ['change-me', `change_me_${FILL}`],
    ['replace*', `REPLACEME${FILL}`],
    ['runs of x', `AC${'X'.repeat(32)}`],
    ['runs of x', 'xxx'],
    ['<...>', '<jwt-secret>'],
    ['unrendered template', '{{ .Values.jwtSecret }}'],
    ['unrendered template', '$(JWT_SECRET)'],
    ['masked or elided', `sk-ant-${'*'.repeat(16)}`],
    ['masked or elided', 'sk-ant-api03-...'],
    ['a placeholder word', `example-${FILL}`],
    ['a placeholder word', `${FILL}-dummy`],
    ['a placeholder token', `${FILL}-todo`],
    ['a placeholder token', 'TEST123'],
  ])('recognises the placeholder pattern %s', (label, value) => {
    const problem = findSecretProblems(value).find((candidate) => candidate.code === 'placeholder');
    expect(problem?.message).toContain(label);
  });

  it('does not call words that merely contain a token a placeholder', () => {
    expect(codes(`contest-${randomBytes(24).toString('hex')}`)).toEqual([]);
    expect(codes(`flavour-${randomBytes(24).toString('hex')}`)).toEqual([]);
  });

  it('matches every known default case-insensitively and after trimming', () => {
    for (const known of KNOWN_DEFAULT_SECRETS) {
      expect(codes(` ${known.toUpperCase()} `)).toContain('known_default');
    }
  });

  it('orders problems most specific first and never quotes the value', () => {
    const problems = findSecretProblems('changeme');
    expect(problems.map((problem) => problem.code)).toEqual([
      'known_default',
      'placeholder',
      'too_short',
      'low_entropy',
    ]);
    for (const problem of problems) expect(problem.message).not.toContain('changeme');
    expect(codes('   ')).toEqual(['too_short', 'low_entropy']);
  });
});
