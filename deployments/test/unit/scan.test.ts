import { randomBytes } from 'node:crypto';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DeployError } from '../../src/errors.js';
import { fileTypeOf } from '../../src/scan-files.js';
import { runScan, scanForSecrets, scanText } from '../../src/scan.js';
import { tempTree } from '../support/temp.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function rules(text: string, type: Parameters<typeof scanText>[2] = 'yaml'): string[] {
  return scanText('f', text, type).map(
    (finding) => `${finding.line}:${finding.rule}:${finding.key ?? ''}`,
  );
}

describe('scanText: YAML and JSON', () => {
  it('reports an unparseable file at the line of the error instead of vouching for it', () => {
    expect(rules('a: 1\nb: [\n')).toEqual([expect.stringMatching(/^\d+:unparseable:$/)]);
    expect(rules('{"a": ', 'json')).toEqual(['1:unparseable:']);
  });

  it('skips references, empty values, non-strings and names that point at a secret', () => {
    const text = [
      'JWT_SECRET: $(FROM_SECRET)',
      'API_KEY: ${API_KEY}',
      'GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}',
      'DB_PASSWORD: ""',
      'automountServiceAccountToken: false',
      'secretName: chatbox-tls',
      'JWT_SECRET_FILE: /run/secrets/jwt',
      'password: { type: string }',
    ].join('\n');
    expect(rules(text)).toEqual([]);
  });

  it('finds secret-named keys at any depth, in flow style, and env entries by their name', () => {
    const text = [
      'auth:',
      '  nested: { clientSecret: "abc" }',
      'env:',
      '  - name: PLAIN',
      '    value: anything',
      '  - { name: REDIS_PASSWORD, value: hunter2 }',
    ].join('\n');
    expect(rules(text)).toEqual([
      '2:literal-secret:clientSecret',
      '6:known-default:REDIS_PASSWORD',
    ]);
  });

  it('keeps repeated keys apart across several documents', () => {
    const text = [
      'kind: ConfigMap',
      'data:',
      '  API_KEY: ""',
      '---',
      'kind: ConfigMap',
      'data:',
      '  API_KEY: CHANGE-ME',
    ].join('\n');
    expect(rules(text)).toEqual(['7:placeholder:API_KEY']);
  });

  it('reads Secret data: base64 is decoded, literal values are left to the Secret finding, empty Secrets pass', () => {
    const literal = Buffer.from(randomBytes(24).toString('base64url')).toString('base64');
    const text = [
      'kind: Secret',
      'data:',
      `  A: ${literal}`,
      '  B: "not base64 !"',
      '---',
      'kind: Secret',
      'stringData: {}',
    ].join('\n');
    expect(rules(text)).toEqual(['2:secret-manifest:']);
  });

  it('checks passwords in URLs under any key', () => {
    const text = [
      'primary: mongodb://app:$(MONGO_PASSWORD)@db:27017',
      'replica: mongodb://app:%zz-not-an-escape-but-long-enough@db:27017',
      'cache: redis://cache:6379',
      'mirror: https://user:CHANGE-ME@example.org/x',
    ].join('\n');
    expect(rules(text)).toEqual(['2:url-credentials:replica', '4:placeholder:mirror']);
  });

  it('ignores command and package maps of package.json, not its other keys', () => {
    const text = JSON.stringify(
      {
        bin: { 'chatbox-secrets-scan': './bin/x.js' },
        scripts: { secret: 'node x' },
        config: { apiKey: 'CHANGE-ME' },
      },
      null,
      2,
    );
    expect(scanText('pkg/package.json', text, 'json').map((finding) => finding.key)).toEqual([
      'apiKey',
    ]);
    expect(scanText('other.json', text, 'json').map((finding) => finding.key)).toEqual([
      'chatbox-secrets-scan',
      'secret',
      'apiKey',
    ]);
  });

  it('walks objects reached twice through YAML aliases once', () => {
    const text = ['base: &b', '  API_KEY: CHANGE-ME', 'copy: *b'].join('\n');
    expect(rules(text)).toEqual(['2:placeholder:API_KEY']);
  });
});

describe('scanText: .env and Dockerfiles', () => {
  it('reads dotenv assignments, judging secret names and URL passwords', () => {
    const text = [
      '# comment',
      'export API_KEY="CHANGE-ME" # why',
      'PLAIN=x',
      "DB_URL='postgres://u:changeme@h/db'",
      'not an assignment',
      'SESSION_SECRET=',
    ].join('\n');
    expect(rules(text, 'env')).toEqual(['2:placeholder:API_KEY', '4:known-default:DB_URL']);
  });

  it('reads ENV (both forms) and ARG, flagging secret build args without a value', () => {
    const text = [
      'FROM node:20.20.2',
      'ARG VERSION',
      'ARG GITHUB_TOKEN',
      'ENV JWT_SECRET keyboard cat',
      'ENV A=1 B="two words"',
      'RUN echo API_KEY=CHANGE-ME',
    ].join('\n');
    expect(rules(text, 'dockerfile')).toEqual([
      '3:secret-build-arg:GITHUB_TOKEN',
      '4:known-default:JWT_SECRET',
    ]);
  });
});

describe('scanForSecrets over files', () => {
  it('walks directories in name order, skips ignored names (defaults and given), scans given paths as given', async () => {
    const tree = await tempTree({
      'a/config.yaml': 'API_KEY: CHANGE-ME\n',
      'a/node_modules/x/config.yaml': 'API_KEY: CHANGE-ME\n',
      'a/dist/config.json': '{"apiKey": "CHANGE-ME"}',
      'a/.env.production': 'API_KEY=CHANGE-ME\n',
      'a/README.md': 'API_KEY: CHANGE-ME\n',
      'a/Containerfile': 'ENV API_KEY=CHANGE-ME\n',
      'b/test/config.yaml': 'API_KEY: CHANGE-ME\n',
    });
    cleanups.push(tree.remove);
    await symlink(join(tree.dir, 'a'), join(tree.dir, 'a', 'loop'));
    const found = await runScan([join(tree.dir, 'a'), join(tree.dir, 'b', 'test')], {
      ignore: ['dist'],
    });
    expect(found.files).toBe(4);
    expect(found.findings.map((finding) => finding.file.slice(tree.dir.length + 1))).toEqual([
      'a/.env.production',
      'a/Containerfile',
      'a/config.yaml',
      'b/test/config.yaml',
    ]);
    expect(await scanForSecrets([join(tree.dir, 'b')], { ignore: ['test'] })).toEqual([]);
  });

  it('refuses a missing path and a file it cannot read as one of its formats', async () => {
    const tree = await tempTree({ 'notes.txt': 'x' });
    cleanups.push(tree.remove);
    await expect(scanForSecrets([join(tree.dir, 'missing.yaml')])).rejects.toMatchObject({
      code: 'ERR_DEPLOY_PATH_NOT_FOUND',
    });
    await expect(scanForSecrets([join(tree.dir, 'notes.txt')])).rejects.toBeInstanceOf(DeployError);
    await expect(scanForSecrets([join(tree.dir, 'notes.txt')])).rejects.toMatchObject({
      code: 'ERR_DEPLOY_UNSUPPORTED_FILE',
    });
  });

  it('knows its file types by name', () => {
    expect(
      [
        'a.yml',
        'b.YAML',
        'c.json',
        '.env',
        '.env.local',
        'prod.env',
        'Dockerfile',
        'Dockerfile.dev',
        'api.dockerfile',
        'x.ts',
      ].map((name) => fileTypeOf(name) ?? '-'),
    ).toEqual([
      'yaml',
      'yaml',
      'json',
      'env',
      'env',
      'env',
      'dockerfile',
      'dockerfile',
      'dockerfile',
      '-',
    ]);
  });
});
