import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  characterClassBits,
  isDictionaryPhrase,
  isRepeatedPattern,
  isSequence,
  lowEntropyReason,
  shannonBitsPerChar,
} from '../../src/entropy.js';

describe('entropy measures', () => {
  it('computes Shannon bits per character', () => {
    expect(shannonBitsPerChar('')).toBe(0);
    expect(shannonBitsPerChar('aaaa')).toBe(0);
    expect(shannonBitsPerChar('abab')).toBeCloseTo(1);
    expect(shannonBitsPerChar('abcdefgh')).toBeCloseTo(3);
  });

  it('estimates bits from the character classes used', () => {
    expect(characterClassBits('')).toBe(0);
    expect(characterClassBits('abcd')).toBeCloseTo(4 * Math.log2(26));
    expect(characterClassBits('aB3!')).toBeCloseTo(4 * Math.log2(95));
  });

  it('finds repeated units, sequences and common-word phrases', () => {
    expect(isRepeatedPattern('secretsecretsecret')).toBe(true);
    expect(isRepeatedPattern('abcabcab')).toBe(true);
    expect(isRepeatedPattern('abcabd')).toBe(false);
    expect(isSequence('abc')).toBe(false);
    expect(isSequence('9876543210')).toBe(true);
    expect(isSequence('asdfghjkl;')).toBe(true);
    expect(isSequence('a1b2c3d4')).toBe(false);
    expect(isDictionaryPhrase('P@ssw0rd')).toBe(true);
    expect(isDictionaryPhrase('my_super-secret.key2024')).toBe(true);
    expect(isDictionaryPhrase('ab')).toBe(false);
    expect(isDictionaryPhrase('xkqzvw')).toBe(false);
  });
});

describe('lowEntropyReason', () => {
  it.each([
    ['zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', 'one repeated character'],
    ['Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!', 'repeats a short pattern'],
    ['abcdefghijklmnopqrstuvwxyz0123456', 'alphabet or keyboard sequence'],
    ['welcome-hello-world-chatbox-service', 'common words'],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbc', 'too few distinct characters'],
    ['q8#Lz', 'bits of entropy'],
  ])('explains why %s is guessable', (value, reason) => {
    expect(lowEntropyReason(value)).toContain(reason);
  });

  it('passes random secrets from several generators', () => {
    for (let i = 0; i < 100; i++) {
      expect(lowEntropyReason(randomBytes(32).toString('base64url'))).toBeUndefined();
      expect(lowEntropyReason(randomBytes(32).toString('hex'))).toBeUndefined();
      expect(lowEntropyReason(randomBytes(24).toString('base64'))).toBeUndefined();
    }
  });
});
