import { COMMON_WORDS } from './secret-lists.js';

/** Below this many bits (empirical Shannon or character-class estimate) a secret is guessable. */
export const MIN_ENTROPY_BITS = 64;
/** Random text over any alphabet of 6+ symbols averages above this; skewed or tiny alphabets do not. */
export const MIN_BITS_PER_CHAR = 2.5;
const SEQUENTIAL_PAIR_SHARE = 0.8;
// Shorter values cannot reach 2.5 bits per character (log2(length) caps it); the total-bits rule covers them.
const SKEW_CHECK_MIN_LENGTH = 16;
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
};
const WORDS = new Set(COMMON_WORDS);
const MAX_WORD_LENGTH = Math.max(...COMMON_WORDS.map((word) => word.length));

/** Empirical Shannon entropy of the characters of `value`, in bits per character. */
export function shannonBitsPerChar(value: string): number {
  const chars = [...value];
  if (chars.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of chars) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / chars.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Upper bound from the character classes used: length × log2(pool size). */
export function characterClassBits(value: string): number {
  let pool = 0;
  if (/[a-z]/.test(value)) pool += 26;
  if (/[A-Z]/.test(value)) pool += 26;
  if (/[0-9]/.test(value)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(value)) pool += 33;
  return pool === 0 ? 0 : [...value].length * Math.log2(pool);
}

/** The whole value is one unit repeated (`abcabcabc`, `secretsecret`). */
export function isRepeatedPattern(value: string): boolean {
  const chars = [...value];
  for (let period = 1; period <= chars.length / 2; period++) {
    if (chars.every((char, i) => i < period || char === chars[i - period])) return true;
  }
  return false;
}

function isSequentialPair(a: string, b: string): boolean {
  const step = Math.abs(a.charCodeAt(0) - b.charCodeAt(0));
  if (step === 1 && /[a-z0-9]/i.test(a) && /[a-z0-9]/i.test(b)) return true;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return KEYBOARD_ROWS.some((row) => {
    const i = row.indexOf(x);
    const j = row.indexOf(y);
    return i >= 0 && j >= 0 && Math.abs(i - j) === 1;
  });
}

/** Mostly alphabet or keyboard runs (`abcdef…`, `0123…`, `qwerty…`). */
export function isSequence(value: string): boolean {
  const chars = [...value];
  if (chars.length < 4) return false;
  let sequential = 0;
  for (let i = 1; i < chars.length; i++) {
    if (isSequentialPair(chars[i - 1]!, chars[i]!)) sequential++;
  }
  return sequential / (chars.length - 1) >= SEQUENTIAL_PAIR_SHARE;
}

function segmentsIntoWords(letters: string): boolean {
  const reachable = new Array<boolean>(letters.length + 1).fill(false);
  reachable[0] = true;
  for (let end = 1; end <= letters.length; end++) {
    for (let start = Math.max(0, end - MAX_WORD_LENGTH); start < end && !reachable[end]; start++) {
      if (reachable[start] && WORDS.has(letters.slice(start, end))) reachable[end] = true;
    }
  }
  return reachable[letters.length] === true;
}

/**
 * The value is made only of common words, after undoing leetspeak, dropping separators and a short
 * numeric suffix (`Sup3r-Secret-Key2024` → super secret key).
 */
export function isDictionaryPhrase(value: string): boolean {
  const stripped = value
    .toLowerCase()
    .replace(/[\s\-_.+:/,;]/g, '')
    .replace(/[0-9]{1,4}$/, '');
  const letters = [...stripped].map((char) => LEET[char] ?? char).join('');
  return letters.length >= 3 && /^[a-z]+$/.test(letters) && segmentsIntoWords(letters);
}

/** The first reason `value` is guessable regardless of its length, or undefined. */
export function lowEntropyReason(value: string): string | undefined {
  const chars = [...value];
  if (new Set(chars).size <= 1) return 'it is one repeated character';
  if (isRepeatedPattern(value)) return 'it repeats a short pattern';
  if (isSequence(value)) return 'it is an alphabet or keyboard sequence';
  if (isDictionaryPhrase(value)) return 'it is made of common words';
  if (chars.length >= SKEW_CHECK_MIN_LENGTH && shannonBitsPerChar(value) < MIN_BITS_PER_CHAR)
    return 'it uses too few distinct characters';
  const bits = Math.min(shannonBitsPerChar(value) * chars.length, characterClassBits(value));
  if (bits < MIN_ENTROPY_BITS)
    return `it carries about ${Math.floor(bits)} bits of entropy (at least ${MIN_ENTROPY_BITS} needed)`;
  return undefined;
}
