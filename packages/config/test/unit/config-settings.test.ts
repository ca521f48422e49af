import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { CONFIG_SETTINGS } from '../../src/config-settings.js';
import { loadConfig } from '../../src/load.js';
import { isSecretSettingName } from '../../src/secret-names.js';
import { envNameFor } from '../../src/setting-kinds.js';
import { SETTING_DEFINITIONS } from '../../src/settings.js';
import { strongSecret } from '../support.js';

function valueAt(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
}

describe('CONFIG_SETTINGS', () => {
  it('names every setting once, with an env name derived from its path', () => {
    const envs = CONFIG_SETTINGS.map((setting) => setting.env);
    expect(new Set(envs).size).toBe(envs.length);
    expect(new Set(CONFIG_SETTINGS.map((setting) => setting.path)).size).toBe(envs.length);
    for (const setting of CONFIG_SETTINGS) expect(setting.env).toBe(envNameFor(setting.path));
    expect(envNameFor('storage.retry.baseDelayMs')).toBe('CHATBOX_STORAGE_RETRY_BASE_DELAY_MS');
    // A Kubernetes Service named chatbox injects CHATBOX_PORT and CHATBOX_SERVICE_*; no setting may collide.
    expect(envs.filter((env) => /^CHATBOX_(PORT|SERVICE_)/.test(env))).toEqual([]);
  });

  it('matches the loaded Config exactly: every setting has a value path, every Config leaf a setting', () => {
    const config = loadConfig({
      CHATBOX_LLM_API_KEY: strongSecret(),
      CHATBOX_LLM_BASE_URL: 'http://127.0.0.1:9',
    });
    const leaves: string[] = [];
    const walk = (node: unknown, prefix: string): void => {
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) walk(value, path);
        else leaves.push(path);
      }
    };
    walk(config, '');
    const derived = ['notices', 'auth.jwtSecretGenerated'];
    const optional = [
      'auth.publicKeyPem',
      'auth.jwksUrl',
      'rateLimit.redisUrl',
      'storage.mongodbUri',
    ];
    expect(leaves.filter((path) => !derived.includes(path)).sort()).toEqual(
      CONFIG_SETTINGS.map((setting) => setting.path)
        .filter((path) => !optional.includes(path))
        .sort(),
    );
    for (const definition of SETTING_DEFINITIONS) {
      if (definition.default !== undefined)
        expect([definition.path, valueAt(config, definition.path)]).toEqual([
          definition.path,
          definition.default,
        ]);
    }
  });

  it('marks as secret exactly what the name detector or a credential-bearing URL calls secret', () => {
    for (const setting of CONFIG_SETTINGS) {
      const credentialUrl = setting.type === 'url' && setting.secret;
      expect([setting.path, setting.secret]).toEqual([
        setting.path,
        isSecretSettingName(setting.path) || credentialUrl,
      ]);
    }
  });

  it('documents every setting in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const setting of CONFIG_SETTINGS)
      expect([setting.env, readme.includes(`\`${setting.env}\``)]).toEqual([setting.env, true]);
  });

  it('describes ranges, choices and defaults for docs', () => {
    const byEnv = new Map(CONFIG_SETTINGS.map((setting) => [setting.env, setting]));
    expect(byEnv.get('CHATBOX_SERVER_PORT')).toMatchObject({
      type: 'integer',
      allowed: '1-65535',
      default: '8080',
    });
    expect(byEnv.get('CHATBOX_SESSIONS_RETENTION_MS')).toMatchObject({
      type: 'duration',
      default: '15m',
    });
    expect(byEnv.get('CHATBOX_ENV')).toMatchObject({
      allowed: 'production | development',
      requiredInProduction: true,
    });
    expect(byEnv.get('CHATBOX_WEBSOCKET_ALLOWED_ORIGINS')).toMatchObject({
      default: '(empty)',
      requiredInProduction: true,
    });
    expect(byEnv.get('CHATBOX_WEBSOCKET_ALLOW_MISSING_ORIGIN')?.allowed).toBe('true | false');
    expect(byEnv.get('CHATBOX_AUTH_ALGORITHMS')?.allowed).toMatch(/^comma-separated: HS256/);
    expect(byEnv.get('CHATBOX_AUTH_PUBLIC_KEY_PEM')?.allowed).toBe('PEM public key');
    expect(byEnv.get('CHATBOX_STORAGE_MONGODB_URI')).toMatchObject({
      secret: true,
      requiredWhen: 'storage.backend is mongodb',
    });
    expect(byEnv.get('CHATBOX_AUTH_ISSUER')?.allowed).toBeUndefined();
    expect(byEnv.get('CHATBOX_LLM_SDK_TIMEOUT_MS')?.default).toBe('totalTimeoutMs + 5s');
    expect(Object.isFrozen(CONFIG_SETTINGS)).toBe(true);
  });
});
