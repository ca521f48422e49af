import { describe, expect, it } from '@jest/globals';
import { isSecretSettingName } from '../../src/secret-names.js';

describe('isSecretSettingName', () => {
  it.each([
    'CHATBOX_AUTH_JWT_SECRET',
    'auth.jwtSecret',
    'llm.apiKey',
    'CHATBOX_LLM_API_KEY',
    'x-api-key',
    'APIKEY',
    'DB_PASSWORD',
    'redisPasswd',
    'GITHUB_TOKEN',
    'refreshToken',
    'PRIVATE_KEY',
    'tls.privateKey',
    'AWS_SECRET_ACCESS_KEY',
    'signing_key',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'JWTSecret',
  ])('%s holds a secret', (name) => {
    expect(isSecretSettingName(name)).toBe(true);
  });

  it.each([
    'CHATBOX_LLM_MAX_TOKENS',
    'llm.maxTokens',
    'auth.tokenType',
    'websocket.tokenExpiryCheckIntervalMs',
    'auth.publicKeyPem',
    'CHATBOX_SERVER_PORT',
    'key',
    'sortKey',
    'storage.database',
  ])('%s does not', (name) => {
    expect(isSecretSettingName(name)).toBe(false);
  });
});
