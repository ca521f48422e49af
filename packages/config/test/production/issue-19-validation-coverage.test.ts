import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, redactConfig, runCheck, safeLoadConfig } from '@chatbox/config';
import type { ConfigIssue } from '@chatbox/config';
import { files, productionEnv, strongSecret } from '../support.js';
import type { Env } from '../support.js';

function issuesOf(env: Env, readFile?: (path: string) => string): readonly ConfigIssue[] {
  const result = safeLoadConfig(env, readFile === undefined ? {} : { readFile });
  return result.success ? [] : result.issues;
}

const hasIssue = (issues: readonly ConfigIssue[], path: string, code: string): boolean =>
  issues.some(
    (issue) => (issue.path === path || issue.path.startsWith(`${path}[`)) && issue.code === code,
  );

type Case = readonly [rule: string, overrides: Env, path: string, code: string];

const CASES: readonly Case[] = [
  ['port below range', { CHATBOX_SERVER_PORT: '0' }, 'server.port', 'out_of_range'],
  ['port above range', { CHATBOX_SERVER_PORT: '65536' }, 'server.port', 'out_of_range'],
  ['port not a number', { CHATBOX_SERVER_PORT: 'http' }, 'server.port', 'invalid_number'],
  ['port fractional', { CHATBOX_SERVER_PORT: '80.5' }, 'server.port', 'invalid_number'],
  [
    'negative proxy hops',
    { CHATBOX_SERVER_TRUST_PROXY_HOPS: '-1' },
    'server.trustProxyHops',
    'out_of_range',
  ],
  [
    'origins required in production',
    { CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: '' },
    'websocket.allowedOrigins',
    'required',
  ],
  [
    'JWT key required in production',
    { CHATBOX_AUTH_JWT_SECRET: undefined },
    'auth.jwtSecret',
    'required',
  ],
  ['API key required in production', { CHATBOX_LLM_API_KEY: undefined }, 'llm.apiKey', 'required'],
  [
    'MongoDB URI required by its backend',
    { CHATBOX_STORAGE_MONGODB_URI: undefined },
    'storage.mongodbUri',
    'required',
  ],
  [
    'Redis URL required by its backend',
    { CHATBOX_RATE_LIMIT_REDIS_URL: undefined },
    'rateLimit.redisUrl',
    'required',
  ],
  [
    'JWKS URL scheme',
    { CHATBOX_AUTH_JWT_SECRET: undefined, CHATBOX_AUTH_JWKS_URL: 'ftp://idp.example.com/jwks' },
    'auth.jwksUrl',
    'invalid_url',
  ],
  [
    'JWKS over plain http',
    { CHATBOX_AUTH_JWT_SECRET: undefined, CHATBOX_AUTH_JWKS_URL: 'http://idp.example.com/jwks' },
    'auth.jwksUrl',
    'insecure_url',
  ],
  [
    'MongoDB URI scheme',
    { CHATBOX_STORAGE_MONGODB_URI: 'http://db:27017' },
    'storage.mongodbUri',
    'invalid_url',
  ],
  [
    'Redis URL without host',
    { CHATBOX_RATE_LIMIT_REDIS_URL: 'redis://' },
    'rateLimit.redisUrl',
    'invalid_url',
  ],
  ['LLM base URL format', { CHATBOX_LLM_BASE_URL: 'not a url' }, 'llm.baseUrl', 'invalid_url'],
  [
    'LLM base URL over plain http',
    { CHATBOX_LLM_BASE_URL: 'http://api.example.com' },
    'llm.baseUrl',
    'insecure_url',
  ],
  [
    'duration with a spaced unit',
    { CHATBOX_WEBSOCKET_PING_INTERVAL_MS: '15 min' },
    'websocket.pingIntervalMs',
    'invalid_duration',
  ],
  [
    'negative duration',
    { CHATBOX_SESSIONS_RETENTION_MS: '-5s' },
    'sessions.retentionMs',
    'invalid_duration',
  ],
  [
    'duration below range',
    { CHATBOX_WEBSOCKET_PING_INTERVAL_MS: '500ms' },
    'websocket.pingIntervalMs',
    'out_of_range',
  ],
  [
    'flush slower than one second (R5)',
    { CHATBOX_STORAGE_STREAM_FLUSH_INTERVAL_MS: '2s' },
    'storage.streamFlushIntervalMs',
    'out_of_range',
  ],
  [
    'origin with a path',
    { CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: 'https://chat.example.com/app' },
    'websocket.allowedOrigins',
    'invalid_origin',
  ],
  [
    'wildcard origin',
    { CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: '*' },
    'websocket.allowedOrigins',
    'invalid_origin',
  ],
  [
    'origin without scheme',
    { CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: 'chat.example.com' },
    'websocket.allowedOrigins',
    'invalid_origin',
  ],
  [
    'origin with credentials',
    { CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: 'https://u:p@chat.example.com' },
    'websocket.allowedOrigins',
    'invalid_origin',
  ],
  ['env value', { CHATBOX_ENV: 'prod' }, 'env', 'invalid_enum'],
  ['storage backend', { CHATBOX_STORAGE_BACKEND: 'postgres' }, 'storage.backend', 'invalid_enum'],
  ['log level', { CHATBOX_LOG_LEVEL: 'verbose' }, 'log.level', 'invalid_enum'],
  ['provider', { CHATBOX_LLM_PROVIDER: 'openai' }, 'llm.provider', 'invalid_enum'],
  ['alg none', { CHATBOX_AUTH_ALGORITHMS: 'none' }, 'auth.algorithms', 'invalid_enum'],
  [
    'boolean',
    { CHATBOX_WEBSOCKET_ALLOW_MISSING_ORIGIN: 'yes' },
    'websocket.allowMissingOrigin',
    'invalid_boolean',
  ],
  ['database name', { CHATBOX_STORAGE_DATABASE: 'chat box' }, 'storage.database', 'invalid_string'],
  ['websocket path', { CHATBOX_WEBSOCKET_PATH: 'chat/ws' }, 'websocket.path', 'invalid_string'],
  ['issuer length', { CHATBOX_AUTH_ISSUER: 'i'.repeat(600) }, 'auth.issuer', 'out_of_range'],
  [
    'public key format',
    { CHATBOX_AUTH_JWT_SECRET: undefined, CHATBOX_AUTH_PUBLIC_KEY_PEM: 'not a key' },
    'auth.publicKeyPem',
    'invalid_key',
  ],
  [
    'idle < total LLM timeout',
    { CHATBOX_LLM_IDLE_TIMEOUT_MS: '2m' },
    'llm.totalTimeoutMs',
    'conflict',
  ],
  [
    'first token <= total LLM timeout',
    { CHATBOX_LLM_FIRST_TOKEN_TIMEOUT_MS: '3m' },
    'llm.totalTimeoutMs',
    'conflict',
  ],
  [
    'pong < ping',
    { CHATBOX_WEBSOCKET_PONG_TIMEOUT_MS: '30s' },
    'websocket.pingIntervalMs',
    'conflict',
  ],
  [
    'drain < shutdown deadline',
    { CHATBOX_SHUTDOWN_DRAIN_MS: '20s' },
    'shutdown.deadlineMs',
    'conflict',
  ],
  [
    'retry base <= max delay',
    { CHATBOX_STORAGE_RETRY_BASE_DELAY_MS: '2s' },
    'storage.retry.maxDelayMs',
    'conflict',
  ],
  [
    'max delay < retry deadline',
    { CHATBOX_STORAGE_RETRY_MAX_DELAY_MS: '5s' },
    'storage.retry.deadlineMs',
    'conflict',
  ],
  [
    'input limit fits a frame',
    { CHATBOX_RATE_LIMIT_MAX_INPUT_CHARS: '70000' },
    'websocket.maxPayloadBytes',
    'conflict',
  ],
  [
    'stale sweep slower than model silence',
    { CHATBOX_STORAGE_STALE_STREAMING_AFTER_MS: '20s' },
    'storage.staleStreamingAfterMs',
    'conflict',
  ],
  [
    'one JWT key source',
    { CHATBOX_AUTH_JWKS_URL: 'https://idp.example.com/jwks' },
    'auth.jwksUrl',
    'conflict',
  ],
  [
    'one algorithm family',
    { CHATBOX_AUTH_ALGORITHMS: 'HS256,RS256' },
    'auth.algorithms',
    'conflict',
  ],
  [
    'URI without its backend',
    { CHATBOX_STORAGE_BACKEND: 'memory' },
    'storage.mongodbUri',
    'conflict',
  ],
];

describe('ProductionIssue19_ValidationCoverage', () => {
  it('starts from a production environment that passes every rule', () => {
    expect(issuesOf(productionEnv())).toEqual([]);
  });

  it.each(CASES)('refuses: %s', (_rule, overrides, path, code) => {
    const issues = issuesOf(productionEnv(overrides));
    expect(hasIssue(issues, path, code)).toBe(true);
    expect(issues.every((issue) => issue.message.length > 0)).toBe(true);
  });

  it('validates the config file too: unknown keys, bad values, unreadable and malformed files', () => {
    const base = {
      ...productionEnv(),
      CHATBOX_SERVER_PORT: undefined,
      CHATBOX_CONFIG_FILE: 'chatbox.yaml',
    };
    const yaml =
      'server:\n  prot: 8080\n  port: 99999\nwebsocket:\n  pingIntervalMs: 15 min\nloglevel: info\n';
    const issues = issuesOf(base, files({ 'chatbox.yaml': yaml }));
    expect(hasIssue(issues, 'server.prot', 'unknown_key')).toBe(true);
    expect(issues.find((issue) => issue.path === 'server.prot')?.message).toContain('server.port');
    expect(hasIssue(issues, 'loglevel', 'unknown_key')).toBe(true);
    expect(hasIssue(issues, 'server.port', 'out_of_range')).toBe(true);
    expect(hasIssue(issues, 'websocket.pingIntervalMs', 'invalid_duration')).toBe(true);
    expect(hasIssue(issuesOf(base, files({})), 'configFile', 'file_unreadable')).toBe(true);
    expect(
      hasIssue(
        issuesOf(base, files({ 'chatbox.yaml': 'server: [' })),
        'configFile',
        'file_invalid',
      ),
    ).toBe(true);
  });

  it('reports every rule family at once', () => {
    const env = productionEnv({
      CHATBOX_SERVER_PORT: '0',
      CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: 'https://chat.example.com/app',
      CHATBOX_WEBSOCKET_PING_INTERVAL_MS: '15 min',
      CHATBOX_STORAGE_BACKEND: 'postgres',
      CHATBOX_LOG_LEVEL: 'verbose',
      CHATBOX_WEBSOCKET_ALLOW_MISSING_ORIGIN: 'yes',
      CHATBOX_STORAGE_DATABASE: 'chat box',
      CHATBOX_LLM_IDLE_TIMEOUT_MS: '5m',
      CHATBOX_SHUTDOWN_DRAIN_MS: '30s',
      CHATBOX_AUTH_JWT_SECRET: 'test123',
      CHATBOX_LLM_BASE_URL: 'http://api.example.com',
      CHATBOX_LLM_API_KEY: undefined,
    });
    const issues = issuesOf(env);
    const expected: readonly (readonly [string, string])[] = [
      ['server.port', 'out_of_range'],
      ['websocket.allowedOrigins', 'invalid_origin'],
      ['websocket.pingIntervalMs', 'invalid_duration'],
      ['storage.backend', 'invalid_enum'],
      ['log.level', 'invalid_enum'],
      ['websocket.allowMissingOrigin', 'invalid_boolean'],
      ['storage.database', 'invalid_string'],
      ['llm.totalTimeoutMs', 'conflict'],
      ['shutdown.deadlineMs', 'conflict'],
      ['auth.jwtSecret', 'secret_too_short'],
      ['llm.baseUrl', 'insecure_url'],
      ['llm.apiKey', 'required'],
    ];
    for (const [path, code] of expected)
      expect([path, code, hasIssue(issues, path, code)]).toEqual([path, code, true]);
  });

  it('never puts a secret value in an issue, the error, its stack, the CLI output or a printed config', () => {
    const marker = randomBytes(12).toString('hex');
    const secrets = [`your-${marker}`, marker.slice(0, 10), `pw${marker}`, `tok${marker}`];
    const env = productionEnv({
      CHATBOX_AUTH_JWT_SECRET: secrets[0],
      // Over the length limit: a structural error on a secret must not quote it either.
      CHATBOX_LLM_API_KEY: `${secrets[1]}${'k'.repeat(5_000)}`,
      CHATBOX_STORAGE_BACKEND: 'memory',
      CHATBOX_STORAGE_MONGODB_URI: `mongodb://chatbox:${secrets[2]}@db1:27017,db2:27017/chatbox`,
      CHATBOX_AUTH_JWKS_URL: `https://${secrets[3]}@idp.example.com:99999/jwks`,
      CHATBOX_CONFIG_FILE: 'chatbox.yaml',
    });
    const readFile = files({ 'chatbox.yaml': `llm:\n  apiKey: "${marker}\n` });
    let error: unknown;
    try {
      loadConfig(env, { readFile });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines: string[] = [];
    expect(
      runCheck(env, { out: (line) => lines.push(line), err: (line) => lines.push(line), readFile }),
    ).toBe(1);
    const printed = [
      JSON.stringify(error),
      String((error as Error).stack),
      inspect(error, { depth: 8 }),
      ...lines,
    ].join('\n');
    for (const secret of [...secrets, marker]) expect(printed).not.toContain(secret);
    expect(printed).toContain('https://***@idp.example.com:99999/jwks');
    expect((error as ConfigError).issues.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps secrets usable in the Config but out of JSON, inspect, pino-style serialisation and summaries', () => {
    const jwtSecret = strongSecret();
    const apiKey = `sk-ant-${strongSecret(40)}`;
    const password = strongSecret(18);
    const config = loadConfig(
      productionEnv({
        CHATBOX_AUTH_JWT_SECRET: jwtSecret,
        CHATBOX_LLM_API_KEY: apiKey,
        CHATBOX_STORAGE_MONGODB_URI: `mongodb://app:${password}@db:27017/chatbox`,
      }),
    );
    expect(config.auth.jwtSecret).toBe(jwtSecret);
    expect(config.llm.apiKey).toBe(apiKey);
    const lines: string[] = [];
    const printed = [
      JSON.stringify(config),
      JSON.stringify({ auth: config.auth, llm: config.llm, storage: config.storage }),
      inspect(config, { depth: 10 }),
      inspect(config.auth),
      JSON.stringify(redactConfig(config)),
    ].join('\n');
    for (const secret of [jwtSecret, apiKey, password]) expect(printed).not.toContain(secret);
    expect(printed).toContain('mongodb://app:***@db:27017/chatbox');
    const ok = runCheck(productionEnv({ CHATBOX_AUTH_JWT_SECRET: jwtSecret }), {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
    });
    expect(ok).toBe(0);
    expect(lines[0]).toContain('configuration OK');
    expect(lines.join('\n')).not.toContain(jwtSecret);
  });
});
