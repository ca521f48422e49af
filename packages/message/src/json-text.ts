const HTML_SENSITIVE = /[<>&\u2028\u2029]/g;
/** Not global: `test` keeps no `lastIndex` state. */
const HAS_HTML_SENSITIVE = /[<>&\u2028\u2029]/;

function escapeChar(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * JSON text whose bytes never contain `<`, `>`, `&`, U+2028 or U+2029. These characters can only
 * occur inside JSON strings, and the `\uXXXX` form parses back to the same string, so the value is
 * unchanged; a frame captured by a log viewer or proxy that renders HTML stays inert (S12).
 */
export function toJsonText(value: unknown): string {
  return escapeJsonText(JSON.stringify(value));
}

/** The escaping of `toJsonText` applied to JSON text already written (most text has none). */
export function escapeJsonText(json: string): string {
  return HAS_HTML_SENSITIVE.test(json) ? json.replace(HTML_SENSITIVE, escapeChar) : json;
}

/** A string as the JSON string that `toJsonText` would write for it (S12: data, never markup). */
export function jsonStringText(value: string): string {
  return escapeJsonText(JSON.stringify(value));
}

export type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** `JSON.parse` without throwing. Its error message quotes the input, so it is dropped. */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
