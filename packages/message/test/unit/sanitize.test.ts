import { describe, expect, it } from '@jest/globals';
import { sanitize } from '../../src/sanitize.js';

describe('sanitize', () => {
  it('keeps ordinary text, tabs, newlines, emoji and RTL text unchanged', () => {
    const text = 'Hello\tworld\nשלום 👩‍💻 ✓';
    expect(sanitize(text)).toBe(text);
  });

  it('normalises to NFC', () => {
    expect(sanitize('e\u0301')).toBe('\u00e9');
    expect(sanitize('\u212B')).toBe('\u00c5');
  });

  it('turns CR LF and lone CR into LF', () => {
    expect(sanitize('a\r\nb\rc\n')).toBe('a\nb\nc\n');
    expect(sanitize('\r\r\n')).toBe('\n\n');
  });

  it('removes C0, DEL and C1 control characters other than tab and LF', () => {
    expect(sanitize('a\u0000b\u0007c\u001bd\u007fe\u0085f\u009fg\u000bh\u000ci')).toBe('abcdefghi');
  });

  it('replaces lone surrogates with U+FFFD and keeps valid pairs', () => {
    expect(sanitize('x\uD800y')).toBe('x\uFFFDy');
    expect(sanitize('x\uDC00y')).toBe('x\uFFFDy');
    expect(sanitize('\uDC00\uD800')).toBe('\uFFFD\uFFFD');
    expect(sanitize('\uD83D\uDE00')).toBe('😀');
    expect(sanitize('\uD83D')).toBe('\uFFFD');
  });

  it('does not build a surrogate pair out of halves separated by a control character', () => {
    expect(sanitize('\uD83D\u0000\uDE00')).toBe('\uFFFD\uFFFD');
  });

  it('composes a base and a mark that a stripped control character kept apart', () => {
    expect(sanitize('e\u0007\u0301')).toBe('\u00e9');
  });

  it('is idempotent on inputs where NFC changes the length', () => {
    for (const text of ['\u0344', '\uD834\uDD5E', 'a\u0000\r\n\u0301']) {
      expect(sanitize(sanitize(text))).toBe(sanitize(text));
    }
  });

  it('returns well-formed text that encodes to UTF-8 and back unchanged', () => {
    const out = sanitize('a\uD800b\uDFFFc');
    expect(new TextDecoder().decode(new TextEncoder().encode(out))).toBe(out);
  });
});
