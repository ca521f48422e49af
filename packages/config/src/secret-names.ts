const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'credential',
  'credentials',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
  'signingkey',
]);
/** `<word> key` pairs that name key material (`api_key`, `private_key`); `public_key` does not. */
const KEY_QUALIFIERS = new Set([
  'api',
  'private',
  'secret',
  'access',
  'signing',
  'encryption',
  'master',
  'hmac',
  'client',
  'auth',
  'session',
]);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/**
 * Whether a setting or environment variable name holds a secret (`JWT_SECRET`, `llm.apiKey`,
 * `DB_PASSWORD`, `GITHUB_TOKEN`). `token` counts only as the last word, so `maxTokens` and
 * `tokenType` are not secrets.
 */
export function isSecretSettingName(name: string): boolean {
  const parts = words(name);
  if (parts.some((word) => SECRET_WORDS.has(word))) return true;
  if (parts.at(-1) === 'token') return true;
  return parts.some((word, i) => word === 'key' && i > 0 && KEY_QUALIFIERS.has(parts[i - 1]!));
}
