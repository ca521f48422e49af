import { describe, expect, it } from '@jest/globals';
import { parseSettings, shownValue } from '../../src/schema.js';
import { definitionAt } from '../../src/settings.js';

const issueAt = (raw: unknown, path: string) =>
  parseSettings(raw).issues.find((issue) => issue.path === path);

describe('parseSettings', () => {
  it('fills every default from an empty input', () => {
    const { draft, issues } = parseSettings({});
    expect(issues).toEqual([]);
    expect(draft).toMatchObject({
      env: 'development',
      server: { port: 8080 },
      storage: { retry: { attempts: 6 } },
    });
  });

  it('coerces env text and accepts native YAML types', () => {
    const text = parseSettings({
      server: { port: '9000' },
      websocket: {
        allowMissingOrigin: 'TRUE',
        pingIntervalMs: '1m',
        allowedOrigins: 'https://a.example.com, https://b.example.com',
      },
      auth: { algorithms: 'HS512 HS512', issuer: 42 },
      log: { level: 'WARN' },
    });
    expect(text.issues).toEqual([]);
    expect(text.draft).toMatchObject({
      server: { port: 9000 },
      websocket: {
        allowMissingOrigin: true,
        pingIntervalMs: 60_000,
        allowedOrigins: ['https://a.example.com', 'https://b.example.com'],
      },
      auth: { algorithms: ['HS512'], issuer: '42' },
      log: { level: 'warn' },
    });
    const native = parseSettings({
      server: { port: 9000 },
      websocket: {
        allowMissingOrigin: false,
        allowedOrigins: ['https://a.example.com'],
        pongTimeoutMs: 1500,
      },
    });
    expect(native.issues).toEqual([]);
    expect(native.draft).toMatchObject({
      websocket: { allowMissingOrigin: false, pongTimeoutMs: 1_500 },
    });
    expect(parseSettings({ websocket: { allowMissingOrigin: '0' } }).draft).toMatchObject({
      websocket: { allowMissingOrigin: false },
    });
  });

  it('turns literal \\n in a PEM variable into line breaks', () => {
    const pem =
      '-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\\n-----END PUBLIC KEY-----';
    expect(parseSettings({ auth: { publicKeyPem: pem } }).draft).toMatchObject({
      auth: { publicKeyPem: pem.replace(/\\n/g, '\n') },
    });
  });

  it('gives one issue per path with a code and an explanatory message', () => {
    expect(issueAt({ server: { port: '1.5' } }, 'server.port')).toEqual({
      path: 'server.port',
      env: 'CHATBOX_SERVER_PORT',
      code: 'invalid_number',
      message: 'must be an integer from 1 to 65535 (got "1.5")',
    });
    expect(issueAt({ server: { port: 1.5 } }, 'server.port')?.code).toBe('invalid_number');
    expect(issueAt({ server: { port: {} } }, 'server.port')?.message).toBe(
      'must be an integer from 1 to 65535',
    );
    expect(
      issueAt({ websocket: { pingIntervalMs: '11m' } }, 'websocket.pingIntervalMs')?.message,
    ).toContain('from 1s to 10m');
    expect(
      issueAt({ websocket: { allowMissingOrigin: 'yes' } }, 'websocket.allowMissingOrigin')
        ?.message,
    ).toContain('true or false');
    expect(issueAt({ env: 'prod' }, 'env')?.message).toContain('one of: production, development');
    expect(issueAt({ auth: { algorithms: '' } }, 'auth.algorithms')?.message).toBe(
      'must list at least one value',
    );
    expect(issueAt({ auth: { algorithms: 7 } }, 'auth.algorithms')?.message).toContain(
      'comma-separated list',
    );
    expect(
      issueAt({ auth: { algorithms: 'RS256,none' } }, 'auth.algorithms[1]')?.message,
    ).toContain('is not accepted');
    expect(
      issueAt({ websocket: { allowedOrigins: 5 } }, 'websocket.allowedOrigins')?.message,
    ).toContain('list of origins');
    expect(
      issueAt(
        { websocket: { allowedOrigins: ['https://a.example.com/x'] } },
        'websocket.allowedOrigins[0]',
      )?.message,
    ).toContain('use "https://a.example.com"');
    expect(
      issueAt({ websocket: { allowedOrigins: [7] } }, 'websocket.allowedOrigins')?.message,
    ).toContain('list of origins');
    expect(issueAt({ llm: { baseUrl: 'ftp://x.example.com' } }, 'llm.baseUrl')?.message).toContain(
      'must use https:// or http://',
    );
    expect(issueAt({ llm: { baseUrl: true } }, 'llm.baseUrl')?.message).toBe(
      'must be a URL (got "true")',
    );
    expect(issueAt({ auth: { publicKeyPem: 'x' } }, 'auth.publicKeyPem')?.code).toBe('invalid_key');
    expect(issueAt({ auth: { issuer: '' } }, 'auth.issuer')?.message).toBe('must not be empty');
    expect(issueAt({ auth: { issuer: true } }, 'auth.issuer')?.message).toContain(
      'must be a string',
    );
    expect(issueAt({ websocket: { path: 'x y' } }, 'websocket.path')?.message).toContain(
      'an absolute path',
    );
    expect(issueAt({ server: 7 }, 'server')).toEqual({
      path: 'server',
      code: 'invalid_type',
      message: 'must be a mapping of settings',
    });
  });

  it('never shows secret values and strips credentials from shown URLs', () => {
    expect(issueAt({ auth: { jwtSecret: true } }, 'auth.jwtSecret')?.message).toBe(
      'must be a string',
    );
    expect(
      issueAt({ storage: { mongodbUri: 'http://u:hidden@db' } }, 'storage.mongodbUri')?.message,
    ).not.toContain('hidden');
    expect(
      shownValue(definitionAt('auth.jwksUrl')!, 'https://u:hidden@idp.example.com:99999'),
    ).toBe('"https://u:***@idp.example.com:99999"');
    expect(shownValue(definitionAt('auth.issuer')!, 'i'.repeat(100))).toBe(
      `"${'i'.repeat(80)}..."`,
    );
    expect(shownValue(definitionAt('auth.issuer')!, Symbol('x'))).toBeUndefined();
  });
});
