import { describe, expect, it } from '@jest/globals';
import { DeployError, isDeployError } from '../../src/errors.js';
import { formatFinding } from '../../src/finding.js';
import { parseEnvFile } from '../../src/env-file.js';
import { stripJsonComments } from '../../src/jsonc.js';
import { imagePinProblem, isExactVersionTag, parseImageReference } from '../../src/policy/image.js';
import { parseCpuQuantity, parseMemoryQuantity } from '../../src/policy/quantity.js';
import {
  isReference,
  isSecretName,
  judgeSecretValue,
  judgeUrlCredentials,
} from '../../src/secret-rules.js';

describe('DeployError', () => {
  it('carries a code and a cause', () => {
    const cause = new Error('low level');
    const error = new DeployError('ERR_DEPLOY_MANIFEST_INVALID', 'bad', { cause });
    expect([
      error.code,
      error.name,
      error.cause,
      isDeployError(error),
      isDeployError(cause),
    ]).toEqual(['ERR_DEPLOY_MANIFEST_INVALID', 'DeployError', cause, true, false]);
    expect(new DeployError('ERR_DEPLOY_READ_FAILED', 'x').cause).toBeUndefined();
  });
});

describe('quantities', () => {
  it('parses memory and CPU quantities', () => {
    expect(
      ['512Mi', '1Gi', '1G', '1.5Ki', '1000', 2048, 'lots', -1, null].map(parseMemoryQuantity),
    ).toEqual([512 * 2 ** 20, 2 ** 30, 1e9, 1536, 1000, 2048, undefined, undefined, undefined]);
    expect(['250m', '0.5', '2', 1, 0, 'x', undefined].map(parseCpuQuantity)).toEqual([
      0.25,
      0.5,
      2,
      1,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('image references', () => {
  it('splits registry ports, tags and digests', () => {
    expect(parseImageReference('registry:5000/org/app')).toEqual({
      repository: 'registry:5000/org/app',
    });
    expect(parseImageReference('registry:5000/org/app:1.2.3@sha256:x')).toEqual({
      repository: 'registry:5000/org/app',
      tag: '1.2.3',
      digest: 'sha256:x',
    });
    expect(
      ['1.2.3', 'v1.2.3', '20.20.2-bookworm-slim', '1.2', 'latest', undefined].map(
        isExactVersionTag,
      ),
    ).toEqual([true, true, true, false, false, false]);
    expect(imagePinProblem('app')).toBe(
      'app: pin an exact version tag (not a missing tag) or a digest',
    );
  });
});

describe('secret rules', () => {
  it('knows secret names, including secret settings whose names do not say so', () => {
    expect(
      [
        'CHATBOX_STORAGE_MONGODB_URI',
        'jwtSecret',
        'GITHUB_TOKEN',
        'secretKeyRef',
        'secretName',
        'JWT_SECRET_FILE',
        'maxTokens',
        'CHATBOX_LOG_LEVEL',
      ].map(isSecretName),
    ).toEqual([true, true, true, false, false, false, false, false]);
    expect(['$(A)', '${A}', '${{ secrets.A }}', '$(echo x)', 'x${A}'].map(isReference)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('judges values without quoting them', () => {
    expect(judgeSecretValue('  ')).toBeUndefined();
    expect(judgeSecretValue('short')?.message).toContain('(and it is weak)');
    expect(judgeUrlCredentials('https://example.org')).toBeUndefined();
    expect(judgeUrlCredentials('amqp://u:${PASS}@mq')).toBeUndefined();
  });
});

describe('formatting and dotenv', () => {
  it('formats findings with and without a key', () => {
    expect(formatFinding({ file: 'a.yaml', line: 3, rule: 'secret-manifest', message: 'm' })).toBe(
      'a.yaml:3: secret-manifest: m',
    );
    expect(
      formatFinding({ file: 'a.yaml', line: 3, key: 'K', rule: 'placeholder', message: 'm' }),
    ).toBe('a.yaml:3: placeholder: K m');
  });

  it('reads unterminated quotes to the end of the line', () => {
    expect(parseEnvFile('A="open\r\nB=2')).toEqual([
      { name: 'A', value: 'open', line: 1 },
      { name: 'B', value: '2', line: 2 },
    ]);
  });
});

describe('stripJsonComments', () => {
  it('blanks comments and trailing commas outside strings, keeping offsets', () => {
    const text =
      '{\n  // note\n  "a": "http://x//y", /* block\n */ "b": [1, 2,],\n  "c": "say \\"/*hi*/\\"",\n}';
    const plain = stripJsonComments(text);
    expect(plain).toHaveLength(text.length);
    expect(plain.split('\n')).toHaveLength(text.split('\n').length);
    expect(JSON.parse(plain)).toEqual({ a: 'http://x//y', b: [1, 2], c: 'say "/*hi*/"' });
    expect(stripJsonComments('{"a": 1 // open')).toBe(`{"a": 1${' '.repeat(8)}`);
    expect(stripJsonComments('/* open')).toBe('       ');
  });
});
