// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// No `u` flag: the pattern must see UTF-16 code units, not code points.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LINE_BREAK_CR = /\r\n?/g;
// Unicode category Cc (C0, DEL, C1) except tab (U+0009) and line feed (U+000A).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Makes client text safe to store, log and hand to the model:
 * 1. lone surrogates become U+FFFD (they are not encodable as UTF-8 and break storage/JSON peers);
 * 2. CR LF and lone CR become LF (one line-break form; a bare CR can overwrite a log line);
 * 3. the remaining control characters (Cc) other than tab and LF are removed;
 * 4. the result is normalised to NFC (one spelling per text, so limits and dedupe agree).
 * Stripping runs before NFC because removing a control character can bring a base letter and a
 * combining mark together. Each step's output is a fixed point of every step, so the function is
 * idempotent. Bidi and zero-width characters are kept: they are legitimate in RTL text and emoji.
 */
export function sanitize(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(LINE_BREAK_CR, '\n')
    .replace(CONTROL, '')
    .normalize('NFC');
}
