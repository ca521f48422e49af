import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { isConfigError } from '../../src/errors.js';
import type { ConfigError } from '../../src/errors.js';
import { loadConfig, safeLoadConfig } from '../../src/load.js';
import { files, productionEnv, strongSecret } from '../support.js';

describe('loadConfig in development', () => {
  it('runs with embedded defaults, a generated secret and the demo provider, and says so', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      server: { host: '127.0.0.1', port: 8080 },
      auth: { jwtSecretGenerated: true, algorithms: ['HS256'] },
      llm: { provider: 'demo', sdkTimeoutMs: 125_000 },
      storage: { backend: 'memory', database: 'chatbox' },
    });
    expect(config.notices).toEqual([
      'no JWT key configured: generated a random HS256 secret for this process (development only)',
      'no CHATBOX_LLM_API_KEY: using the demo provider (development only)',
    ]);
    expect(loadConfig({}).auth.jwtSecret).not.toBe(config.auth.jwtSecret);
  });

  it('never reads NODE_ENV', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).env).toBe('development');
  });

  it('keeps an explicit provider and key, and an explicit SDK timeout', () => {
    const apiKey = strongSecret();
    const config = loadConfig({
      CHATBOX_LLM_API_KEY: apiKey,
      CHATBOX_LLM_SDK_TIMEOUT_MS: '30s',
      CHATBOX_LLM_PROVIDER: 'anthropic',
    });
    expect(config.llm).toMatchObject({ provider: 'anthropic', apiKey, sdkTimeoutMs: 30_000 });
    expect(loadConfig({ CHATBOX_LLM_PROVIDER: 'demo' }).notices).toHaveLength(1);
  });

  it('derives the algorithm from a public key when none is configured', () => {
    const pem = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const config = loadConfig({ CHATBOX_AUTH_PUBLIC_KEY_PEM: pem });
    expect(config.auth).toMatchObject({ algorithms: ['EdDSA'], jwtSecretGenerated: false });
    expect(config.auth.jwtSecret).toBeUndefined();
  });
});

describe('loadConfig in production', () => {
  it('adds notices for single-instance backends and a loopback listen address', () => {
    const config = loadConfig(
      productionEnv({
        CHATBOX_SERVER_HOST: undefined,
        CHATBOX_STORAGE_BACKEND: undefined,
        CHATBOX_STORAGE_MONGODB_URI: undefined,
        CHATBOX_RATE_LIMIT_BACKEND: undefined,
        CHATBOX_RATE_LIMIT_REDIS_URL: undefined,
      }),
    );
    expect(config.notices).toEqual([
      expect.stringContaining('storage.backend is memory'),
      expect.stringContaining('rateLimit.backend is memory'),
      'server.host is 127.0.0.1: only clients on this machine can connect',
    ]);
    expect(loadConfig(productionEnv()).notices).toEqual([]);
  });

  it('takes settings from the file and lets the environment win', () => {
    const readFile = files({ 'c.yaml': 'server:\n  port: 9000\nlog:\n  level: warn\n' });
    const config = loadConfig(
      productionEnv({ CHATBOX_CONFIG_FILE: 'c.yaml', CHATBOX_LOG_LEVEL: 'error' }),
      { readFile },
    );
    expect(config.server.port).toBe(9000);
    expect(config.log.level).toBe('error');
  });
});

describe('failures', () => {
  it('throws one ConfigError and never echoes a credential from a malformed secret URL', () => {
    const secret = `pw${strongSecret()}`;
    const result = safeLoadConfig({
      CHATBOX_RATE_LIMIT_REDIS_URL: `redis://:${secret}@127.0.0.1:99999`,
    });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result)).not.toContain(secret);
    let caught: unknown;
    try {
      loadConfig({ CHATBOX_SERVER_PORT: '0' });
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    expect(isConfigError(new Error('x'))).toBe(false);
    expect((caught as ConfigError).issues).toHaveLength(1);
  });
});

describe('the loaded Config', () => {
  it('prints redacted through JSON and inspect, per section too, while spreading sees plain data', () => {
    const secret = strongSecret();
    const config = loadConfig(productionEnv({ CHATBOX_AUTH_JWT_SECRET: secret }));
    expect(JSON.stringify(config)).toContain('"jwtSecret":"***"');
    expect(JSON.stringify(config.auth)).not.toContain(secret);
    expect(inspect(config.auth)).not.toContain(secret);
    expect({ ...config.auth }.jwtSecret).toBe(secret);
    expect(JSON.stringify(config.server)).toBe(
      '{"host":"0.0.0.0","port":8080,"trustProxyHops":0,"bodyLimitBytes":1048576}',
    );
    expect(Object.isFrozen(config.notices)).toBe(true);
    expect(Object.isFrozen(config.auth.algorithms)).toBe(true);
  });
});
