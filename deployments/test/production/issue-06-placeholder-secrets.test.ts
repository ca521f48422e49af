// Finding 06: the old service shipped deployments/kubernetes/secret.yaml full of placeholders.
// First the seed's own steps over every manifest of deployments/, then the secret gate over the
// same files (clean), then over fixtures holding each kind of leak (each one caught, at its line).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import yaml from 'js-yaml';
import { runScanCli, scanForSecrets } from '../../src/index.js';
import type { Finding } from '../../src/index.js';
import { LEAKY_DIR, PACKAGE_DIR } from '../support/paths.js';

// The placeholder kinds the review found, as the seed describes them.
const SEED_PATTERNS: readonly RegExp[] = [/your-/i, /CHANGE-ME/i, /sk-your-/i, /ACX{6,}/i];
const IGNORED = ['node_modules', 'dist', 'reports', 'coverage', 'test'];

async function manifestFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (IGNORED.includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await manifestFiles(path)));
    else if (/\.(ya?ml|json)$/.test(entry.name)) files.push(path);
  }
  return files;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
  return [];
}

/** 1-based line of the first line matching `marker` (a regular expression source). */
function lineOf(text: string, marker: string): number {
  const pattern = new RegExp(marker);
  const index = text.split('\n').findIndex((line) => pattern.test(line));
  if (index === -1) throw new Error(`marker ${marker} not in fixture`);
  return index + 1;
}

interface Expected {
  readonly file: string;
  readonly marker: string;
  readonly rule: Finding['rule'];
  readonly key?: string;
}

// Each leak of the static fixtures: where it is (a marker on its line) and how it must be classed.
const STATIC_LEAKS: readonly Expected[] = [
  { file: 'secret.yaml', marker: '^stringData:', rule: 'secret-manifest' },
  { file: 'secret.yaml', marker: 'JWT_SECRET:', rule: 'placeholder', key: 'JWT_SECRET' },
  {
    file: 'secret.yaml',
    marker: 'ANTHROPIC_API_KEY:',
    rule: 'placeholder',
    key: 'ANTHROPIC_API_KEY',
  },
  {
    file: 'secret.yaml',
    marker: 'MONGODB_PASSWORD:',
    rule: 'placeholder',
    key: 'MONGODB_PASSWORD',
  },
  {
    file: 'secret.yaml',
    marker: 'TWILIO_ACCOUNT_SID:',
    rule: 'placeholder',
    key: 'TWILIO_ACCOUNT_SID',
  },
  { file: 'secret-data.yaml', marker: '^data:', rule: 'secret-manifest' },
  {
    file: 'secret-data.yaml',
    marker: 'REDIS_PASSWORD:',
    rule: 'placeholder',
    key: 'REDIS_PASSWORD',
  },
  {
    file: 'deployment-env.yaml',
    marker: 'your-256-bit-secret',
    rule: 'known-default',
    key: 'CHATBOX_AUTH_JWT_SECRET',
  },
  {
    file: 'deployment-env.yaml',
    marker: 'sk-your-key',
    rule: 'placeholder',
    key: 'CHATBOX_LLM_API_KEY',
  },
  {
    file: 'configmap.yaml',
    marker: 'SESSION_SECRET:',
    rule: 'known-default',
    key: 'SESSION_SECRET',
  },
  {
    file: 'configmap.yaml',
    marker: 'CHATBOX_RATE_LIMIT_REDIS_URL:',
    rule: 'literal-secret',
    key: 'CHATBOX_RATE_LIMIT_REDIS_URL',
  },
  { file: 'configmap.yaml', marker: 'DATABASE_URL:', rule: 'known-default', key: 'DATABASE_URL' },
  {
    file: 'leaky.env',
    marker: 'CHATBOX_AUTH_JWT_SECRET=',
    rule: 'known-default',
    key: 'CHATBOX_AUTH_JWT_SECRET',
  },
  {
    file: 'leaky.env',
    marker: 'TWILIO_AUTH_TOKEN=',
    rule: 'placeholder',
    key: 'TWILIO_AUTH_TOKEN',
  },
  { file: 'Dockerfile.leaky', marker: 'ARG NPM_TOKEN', rule: 'secret-build-arg', key: 'NPM_TOKEN' },
  {
    file: 'Dockerfile.leaky',
    marker: 'ENV CHATBOX_LLM_API_KEY',
    rule: 'placeholder',
    key: 'CHATBOX_LLM_API_KEY',
  },
  { file: 'settings.json', marker: '"jwtSecret"', rule: 'placeholder', key: 'jwtSecret' },
];

type Located = Omit<Finding, 'message'>;

async function expectedFindings(dir: string, leaks: readonly Expected[]): Promise<Located[]> {
  const found: Located[] = [];
  for (const leak of leaks) {
    const text = await readFile(join(dir, leak.file), 'utf8');
    found.push({
      file: leak.file,
      line: lineOf(text, leak.marker),
      rule: leak.rule,
      ...(leak.key === undefined ? {} : { key: leak.key }),
    });
  }
  return found;
}

function summarise(findings: readonly Located[]): Located[] {
  return findings
    .map(({ file, line, rule, key }) => ({
      file: basename(file),
      line,
      rule,
      ...(key === undefined ? {} : { key }),
    }))
    .sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}

describe('ProductionIssue06_PlaceholderSecrets', () => {
  let generated: string;
  let realLookingValue: string;

  beforeAll(async () => {
    // Real-looking secrets are generated here, never committed.
    generated = await mkdtemp(join(tmpdir(), 'chatbox-leak-'));
    realLookingValue = randomBytes(48).toString('base64');
    const password = randomBytes(24).toString('base64url');
    await writeFile(
      join(generated, 'configmap.yaml'),
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: generated',
        'data:',
        '  CHATBOX_LOG_LEVEL: info',
        `  CHATBOX_AUTH_JWT_SECRET: "${realLookingValue}"`,
        `  MONGO_URL: mongodb://chatbox:${password}@mongo-0.mongo:27017/chatbox`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await rm(generated, { recursive: true, force: true });
  });

  it("the seed's steps over every manifest in deployments/ find no placeholder", async () => {
    const files = await manifestFiles(PACKAGE_DIR);
    expect(files.some((file) => file.endsWith(join('kubernetes', 'deployment.yaml')))).toBe(true);
    const found: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const documents = file.endsWith('.json') ? [JSON.parse(text) as unknown] : yaml.loadAll(text);
      for (const value of documents.flatMap(strings)) {
        if (SEED_PATTERNS.some((pattern) => pattern.test(value))) found.push(`${file}: ${value}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("the seed's steps do find every placeholder kind in the old secret.yaml (so the clean result means something)", async () => {
    const text = await readFile(join(LEAKY_DIR, 'secret.yaml'), 'utf8');
    const values = yaml.loadAll(text).flatMap(strings);
    for (const pattern of SEED_PATTERNS)
      expect(values.some((value) => pattern.test(value))).toBe(true);
  });

  it('the secret gate finds nothing in deployments/ (manifests, package files) nor in the Dockerfile', async () => {
    expect(
      await scanForSecrets([PACKAGE_DIR, join(PACKAGE_DIR, '..', 'Dockerfile')], {
        ignore: IGNORED,
      }),
    ).toEqual([]);
  });

  it('the secret gate finds every placeholder kind, Secret data, known default and build arg in the fixtures, at its line', async () => {
    const findings = await scanForSecrets([LEAKY_DIR]);
    expect(summarise(findings)).toEqual(summarise(await expectedFindings(LEAKY_DIR, STATIC_LEAKS)));
    // Messages say why, never quote the value.
    const values = [
      'your-jwt-secret-key-here',
      'sk-your-anthropic-api-key',
      'CHANGE-ME',
      'ACXXXXXXXXXX',
      'keyboard cat',
      'your-256-bit-secret',
      'sk-your-key',
    ];
    for (const finding of findings)
      for (const value of values) expect(finding.message).not.toContain(value);
  });

  it('the secret gate finds a real-looking high-entropy value under a secret-named key, and a password in a URL', async () => {
    const findings = await scanForSecrets([generated]);
    const text = await readFile(join(generated, 'configmap.yaml'), 'utf8');
    expect(summarise(findings)).toEqual([
      {
        file: 'configmap.yaml',
        line: lineOf(text, 'CHATBOX_AUTH_JWT_SECRET'),
        rule: 'literal-secret',
        key: 'CHATBOX_AUTH_JWT_SECRET',
      },
      {
        file: 'configmap.yaml',
        line: lineOf(text, 'MONGO_URL'),
        rule: 'url-credentials',
        key: 'MONGO_URL',
      },
    ]);
    // The value passes the secret policy, so only the gate's "no literal secrets" rule stops it.
    expect(findings[0]!.message).not.toContain('weak');
    expect(JSON.stringify(findings)).not.toContain(realLookingValue);
  });

  it('the CLI exits 1 listing file:line for the fixtures, and 0 on deployments/', async () => {
    const err: string[] = [];
    const out: string[] = [];
    const io = {
      out: (line: string) => void out.push(line),
      err: (line: string) => void err.push(line),
    };
    expect(await runScanCli([LEAKY_DIR, generated], io)).toBe(1);
    const listed = err.filter((line) => /:\d+: [a-z-]+:/.test(line));
    expect(listed).toHaveLength(STATIC_LEAKS.length + 2);
    expect(listed).toContainEqual(
      expect.stringMatching(/secret\.yaml:8: placeholder: JWT_SECRET /),
    );
    expect(await runScanCli([PACKAGE_DIR, '--ignore', IGNORED.join(',')], io)).toBe(0);
    expect(out.at(-1)).toMatch(/no secrets found/);
  });
});
