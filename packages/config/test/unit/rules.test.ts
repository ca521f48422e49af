import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { requiredSecretBytes } from '../../src/rules-auth.js';
import { checkRules } from '../../src/rules.js';
import { parseSettings } from '../../src/schema.js';
import { codesAt, strongSecret } from '../support.js';

function rules(raw: Record<string, unknown>) {
  const parsed = parseSettings(raw);
  return checkRules(
    parsed.draft,
    parsed.issues.map((issue) => issue.path),
  );
}

const ecPem = (): string =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

describe('auth rules', () => {
  it('needs the key length of the strongest HS algorithm', () => {
    expect(requiredSecretBytes(undefined)).toBe(32);
    expect(requiredSecretBytes(['HS256', 'HS512'])).toBe(64);
    expect(requiredSecretBytes(['RS256'])).toBe(32);
  });

  it('matches algorithms to the key source', () => {
    const pem = ecPem();
    expect(
      codesAt(
        rules({ auth: { publicKeyPem: pem, algorithms: 'HS256' } }).issues,
        'auth.algorithms',
      ),
    ).toEqual(['conflict']);
    expect(
      codesAt(
        rules({ auth: { jwtSecret: strongSecret(), algorithms: 'RS256' } }).issues,
        'auth.algorithms',
      ),
    ).toEqual(['conflict']);
    const mismatch = rules({ auth: { publicKeyPem: pem, algorithms: 'ES256,RS256' } }).issues;
    expect(mismatch.find((issue) => issue.path === 'auth.algorithms')?.message).toContain(
      'RS256 cannot be verified with the configured ec key',
    );
    expect(rules({ auth: { publicKeyPem: pem, algorithms: 'ES256' } }).issues).toEqual([]);
    expect(
      rules({ auth: { jwksUrl: 'https://idp.example.com/jwks', algorithms: 'RS256,ES256,EdDSA' } })
        .issues,
    ).toEqual([]);
  });

  it('accepts plain http JWKS on loopback only, and rejects a bad key whatever the algorithms', () => {
    expect(rules({ auth: { jwksUrl: 'http://127.0.0.1:8080/jwks' } }).issues).toEqual([]);
    expect(
      codesAt(rules({ auth: { jwksUrl: 'http://idp.internal/jwks' } }).issues, 'auth.jwksUrl'),
    ).toEqual(['insecure_url']);
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(
      codesAt(
        rules({ auth: { publicKeyPem: rsa1024, algorithms: 'RS256' } }).issues,
        'auth.publicKeyPem',
      ),
    ).toEqual(['invalid_key']);
  });

  it('does not report a missing key when the key setting itself is malformed', () => {
    const { issues } = rules({ env: 'production', auth: { jwksUrl: 'nope' } });
    expect(codesAt(issues, 'auth.jwtSecret')).toEqual([]);
  });
});

describe('other cross-field rules', () => {
  it('keeps the sweeper within the retention bound (finding 01), except with zero retention', () => {
    expect(
      codesAt(
        rules({ sessions: { retentionMs: '1m', sweepIntervalMs: '2m' } }).issues,
        'sessions.sweepIntervalMs',
      ),
    ).toEqual(['conflict']);
    expect(rules({ sessions: { retentionMs: 0, sweepIntervalMs: '2m' } }).issues).toEqual([]);
  });

  it('turns an unused backend URI into a notice in development and an error in production', () => {
    const development = rules({ rateLimit: { redisUrl: 'redis://127.0.0.1:6379' } });
    expect(development.issues).toEqual([]);
    expect(development.notices).toEqual([
      expect.stringContaining(
        'CHATBOX_RATE_LIMIT_REDIS_URL is set but rateLimit.backend is memory',
      ),
    ]);
    const production = rules({
      env: 'production',
      rateLimit: { redisUrl: 'redis://127.0.0.1:6379' },
    });
    expect(codesAt(production.issues, 'rateLimit.redisUrl')).toEqual(['conflict']);
  });

  it('checks passwords inside connection strings for placeholders but not for length', () => {
    const weak = rules({
      storage: { backend: 'mongodb', mongodbUri: 'mongodb://app:your-password@db:27017/x' },
    });
    expect(codesAt(weak.issues, 'storage.mongodbUri')).toEqual(['secret_placeholder']);
    expect(
      rules({ rateLimit: { backend: 'redis', redisUrl: 'redis://:Zq7xWp2@127.0.0.1:6379' } })
        .issues,
    ).toEqual([]);
    expect(
      rules({ storage: { backend: 'mongodb', mongodbUri: 'mongodb://db:27017/x' } }).issues,
    ).toEqual([]);
  });

  it('skips a rule whose inputs did not parse, so each bad value is reported once', () => {
    const { issues } = rules({
      llm: { idleTimeoutMs: 'soon', firstTokenTimeoutMs: '1s', totalTimeoutMs: '1s' },
      shutdown: 'now',
    });
    expect(issues).toEqual([]);
  });

  it('accepts the boundaries of each ordering rule', () => {
    expect(
      rules({
        llm: { firstTokenTimeoutMs: '2m', totalTimeoutMs: '2m' },
        storage: { staleStreamingAfterMs: '3m' },
      }).issues,
    ).toEqual([]);
    expect(
      codesAt(
        rules({
          llm: { idleTimeoutMs: '2m', totalTimeoutMs: '2m' },
          storage: { staleStreamingAfterMs: '3m' },
        }).issues,
        'llm.totalTimeoutMs',
      ),
    ).toEqual(['conflict']);
    expect(rules({ storage: { retry: { baseDelayMs: '1s', maxDelayMs: '1s' } } }).issues).toEqual(
      [],
    );
    expect(
      codesAt(
        rules({ storage: { serverSelectionTimeoutMs: '6s' } }).issues,
        'storage.retry.deadlineMs',
      ),
    ).toEqual(['conflict']);
  });
});
