import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogue } from '../../src/catalogue.js';
import { ReportError } from '../../src/errors.js';
import { DEFAULT_CATALOGUE_PATH } from '../../src/run-report.js';
import { createTempDirs, STATUSES_CATALOGUE } from '../support/fixtures.js';

// The production tests the spec names for each finding (findings.md, last column).
const SPEC_TESTS: Record<string, string[]> = {
  '01': ['SessionCleanup', 'MemoryGrowth'],
  '02': ['SessionIDConsistency', 'CreateNewSessionFlow'],
  '03': ['ConnectionReplacement', 'UnregisterConnection'],
  '04': ['SessionIDDataRace', 'ConcurrentSessionAccess'],
  '05': ['MainServerStartup'],
  '06': ['PlaceholderSecrets'],
  '07': ['ValidationCalled'],
  '08': ['StreamingContext', 'StreamingTimeout'],
  '09': ['MongoDBRetry'],
  '10': ['SerializationDataRace', 'SerializationAccuracy'],
  '11': ['CleanupMethod', 'MemoryGrowth'],
  '12': ['ResponseTimesGrowth'],
  '13': ['OriginValidationDataRace', 'DefaultOriginBehavior'],
  '14': ['FrameSizeLimit', 'SlowConsumer'],
  '15': ['ShutdownTimeout'],
  '16': ['HealthAndReadiness'],
  '17': ['WeakSecretAcceptance'],
  '18': ['AdminRateLimiting'],
  '19': ['ValidationCalled', 'ValidationCoverage'],
};

const VALID_ENTRY = `  - id: '01'
    title: A title
    packages: ['@chatbox/session']
    severity: high
    claim: A claim.
    verdict: resolved
    rationale: Why.
    tests: [ProductionIssue01_SessionCleanup]
    code: [packages/session/]
`;

describe('loadCatalogue', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());

  function catalogueFile(text: string): string {
    const path = join(temp.make('catalogue'), 'findings.yaml');
    writeFileSync(path, text);
    return path;
  }

  function loadError(text: string): ReportError {
    try {
      loadCatalogue({ path: catalogueFile(text) });
    } catch (error) {
      if (error instanceof ReportError) return error;
      throw error;
    }
    throw new Error('the catalogue loaded');
  }

  it('holds the 19 findings of the spec, each with exactly the tests the spec names', () => {
    const catalogue = loadCatalogue({ path: DEFAULT_CATALOGUE_PATH });
    expect(catalogue.findings.map((entry) => entry.id)).toEqual(Object.keys(SPEC_TESTS).sort());
    for (const entry of catalogue.findings) {
      expect(entry.tests).toEqual(
        SPEC_TESTS[entry.id]!.map((name) => `ProductionIssue${entry.id}_${name}`),
      );
      expect(entry.code.length).toBeGreaterThan(0);
    }
  });

  it('sorts entries by id and keeps the reason of a false positive', () => {
    const catalogue = loadCatalogue({ path: STATUSES_CATALOGUE });
    expect(catalogue.findings.map((entry) => entry.id)).toEqual([
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
    ]);
    expect(catalogue.findings[4]).toMatchObject({
      verdict: 'false-positive',
      reason: expect.stringContaining('older file'),
    });
  });

  it('reports every problem at once, each with its path', () => {
    const error = loadError(`findings:
  - id: '1'
    title: ''
    packages: [session]
    severity: severe
    claim: A claim.
    verdict: fixed
    rationale: Why.
    tests: [SessionCleanup]
    code: [/etc/passwd]
    owner: someone
`);
    expect(error.code).toBe('ERR_REPORT_CATALOGUE_INVALID');
    for (const path of [
      'findings.0.id',
      'findings.0.title',
      'findings.0.packages.0',
      'findings.0.severity',
      'findings.0.verdict',
      'findings.0.tests.0',
      'findings.0.code.0',
      'findings.0.owner',
    ]) {
      expect(error.message).toContain(`${path}:`);
    }
  });

  it.each([
    [
      'a false positive without a reason',
      VALID_ENTRY.replace('verdict: resolved', 'verdict: false-positive'),
      'needs a reason',
    ],
    [
      'a resolved finding without tests',
      VALID_ENTRY.replace('[ProductionIssue01_SessionCleanup]', '[]'),
      'at least one test',
    ],
    [
      'a test named for another finding',
      VALID_ENTRY.replace('ProductionIssue01_', 'ProductionIssue02_'),
      'must carry the finding id',
    ],
    ['a duplicate id', VALID_ENTRY + VALID_ENTRY, 'ids must be unique'],
  ])('refuses %s', (_label, entries, message) => {
    const error = loadError(`findings:\n${entries}`);
    expect(error.code).toBe('ERR_REPORT_CATALOGUE_INVALID');
    expect(error.message).toContain(message);
  });

  it('accepts an open finding without tests', () => {
    const path = catalogueFile(
      `findings:\n${VALID_ENTRY.replace('verdict: resolved', 'verdict: open').replace('[ProductionIssue01_SessionCleanup]', '[]')}`,
    );
    expect(loadCatalogue({ path }).findings[0]).toMatchObject({ verdict: 'open', tests: [] });
  });

  it('refuses an empty catalogue', () => {
    expect(loadError('findings: []\n').code).toBe('ERR_REPORT_CATALOGUE_INVALID');
  });

  it('reports a missing file and broken YAML as unreadable', () => {
    expect(() => loadCatalogue({ path: join(temp.make('missing'), 'none.yaml') })).toThrow(
      expect.objectContaining({ code: 'ERR_REPORT_CATALOGUE_UNREADABLE' }),
    );
    const broken = loadError('findings:\n  - id: [unclosed\n');
    expect(broken.code).toBe('ERR_REPORT_CATALOGUE_UNREADABLE');
    expect(broken.message).not.toContain('\n');
  });
});
