const ORIGIN_PROTOCOLS = new Set(['http:', 'https:']);

export type OriginCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly suggestion?: string };

/**
 * Finding 13: origins are compared as exact strings, so each configured entry must already be the
 * browser's serialisation (`scheme://host[:port]`, lower-case host, no default port, no path).
 * A near miss such as `https://app.example.com/` would otherwise never match and lock users out.
 */
export function checkOrigin(value: string): OriginCheck {
  if (value === '*' || value.includes('*'))
    return { ok: false, reason: 'wildcards are not allowed' };
  if (value === 'null') return { ok: false, reason: 'the opaque origin "null" is not allowed' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (!ORIGIN_PROTOCOLS.has(url.protocol)) return { ok: false, reason: 'must use http or https' };
  if (url.username !== '' || url.password !== '')
    return { ok: false, reason: 'must not contain credentials' };
  if (url.origin === value) return { ok: true };
  const extra = url.pathname !== '/' || url.search !== '' || url.hash !== '';
  return {
    ok: false,
    reason: extra ? 'must not have a path, query or fragment' : 'is not in canonical form',
    suggestion: url.origin,
  };
}
