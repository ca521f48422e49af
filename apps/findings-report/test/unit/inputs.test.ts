import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBenchmark } from '../../src/bench.js';
import { readCoverage } from '../../src/coverage.js';
import { readFigures } from '../../src/figures.js';
import { createTempDirs, FULL_RUN_ROOT, STATUSES_ROOT } from '../support/fixtures.js';

describe('readCoverage', () => {
  it('reads the line and branch percentages of a json-summary', () => {
    expect(
      readCoverage({ root: STATUSES_ROOT, packageDir: join(STATUSES_ROOT, 'packages', 'alpha') }),
    ).toEqual({
      coverage: { linesPct: 92.5, branchesPct: 85 },
      problem: null,
    });
  });

  it('has nothing to say about a package without a summary', () => {
    expect(
      readCoverage({ root: STATUSES_ROOT, packageDir: join(STATUSES_ROOT, 'deployments') }),
    ).toEqual({ coverage: null, problem: null });
  });

  it('warns about a summary it cannot read', () => {
    const read = readCoverage({
      root: STATUSES_ROOT,
      packageDir: join(STATUSES_ROOT, 'apps', 'gamma'),
    });
    expect(read.coverage).toBeNull();
    expect(read.problem).toMatchObject({
      kind: 'invalid-input',
      level: 'warning',
      file: 'apps/gamma/reports/coverage/coverage-summary.json',
    });
  });
});

describe('readFigures', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());

  it('reads each recorded figure and warns about a broken file', () => {
    const read = readFigures({
      root: STATUSES_ROOT,
      packageDir: join(STATUSES_ROOT, 'packages', 'alpha'),
      packageName: '@chatbox/alpha',
    });
    expect(read.figures).toEqual([
      {
        finding: '01',
        name: 'heap growth after sweep',
        value: 1.5,
        unit: 'MiB',
        package: '@chatbox/alpha',
        recordedAt: '2026-11-28T10:00:00.000Z',
      },
      expect.objectContaining({ finding: '30', name: 'orphan figure' }),
    ]);
    expect(read.problems).toEqual([
      expect.objectContaining({
        kind: 'invalid-input',
        level: 'warning',
        file: 'packages/alpha/reports/figures/broken.json',
      }),
    ]);
  });

  it('accepts arrays and numeric finding ids, fills the package, keeps the latest of a re-recorded figure', () => {
    const pkg = temp.make('figures');
    const dir = join(pkg, 'reports', 'figures');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify([
        { finding: 7, name: 'frames refused', value: 3 },
        {
          finding: '07',
          name: 'peak buffer',
          value: 10,
          unit: 'KiB',
          recordedAt: '2026-01-01T00:00:00Z',
        },
      ]),
    );
    writeFileSync(
      join(dir, 'b.json'),
      JSON.stringify({
        finding: '07',
        name: 'peak buffer',
        value: 12,
        unit: 'KiB',
        recordedAt: '2026-02-01T00:00:00Z',
      }),
    );
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const read = readFigures({ root: pkg, packageDir: pkg, packageName: '@chatbox/message' });
    expect(read.problems).toEqual([]);
    expect(read.figures).toEqual([
      {
        finding: '07',
        name: 'frames refused',
        value: 3,
        unit: '',
        package: '@chatbox/message',
        recordedAt: null,
      },
      expect.objectContaining({ name: 'peak buffer', value: 12 }),
    ]);
  });

  it('warns when the figures folder cannot be listed', () => {
    const pkg = temp.make('figures-file');
    mkdirSync(join(pkg, 'reports'));
    writeFileSync(join(pkg, 'reports', 'figures'), 'a file, not a folder');
    const read = readFigures({ root: pkg, packageDir: pkg, packageName: '@chatbox/x' });
    expect(read).toEqual({
      figures: [],
      problems: [
        expect.objectContaining({
          kind: 'invalid-input',
          level: 'warning',
          file: 'reports/figures',
        }),
      ],
    });
  });

  it('finds nothing without a figures folder', () => {
    expect(
      readFigures({
        root: STATUSES_ROOT,
        packageDir: join(STATUSES_ROOT, 'deployments'),
        packageName: 'x',
      }),
    ).toEqual({ figures: [], problems: [] });
  });
});

describe('readBenchmark', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());

  function benchRoot(content: string): string {
    const root = temp.make('bench');
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(join(root, 'bench', 'results', 'latest.json'), content);
    return root;
  }

  it('reads scenarios, figures, baselines, ratios and targets', () => {
    const { benchmark, problem } = readBenchmark({ root: FULL_RUN_ROOT });
    expect(problem).toBeNull();
    expect(benchmark).toMatchObject({
      node: 'v20.20.2',
      machine: { cpus: '2', model: 'fixture CPU' },
      file: 'bench/results/latest.json',
    });
    expect(benchmark?.scenarios.map((s) => s.name)).toEqual([
      '100 concurrent streams',
      'reconnect storm',
    ]);
    expect(benchmark?.scenarios[0]?.figures[0]).toEqual({
      name: 'first delta latency',
      unit: 'ms',
      min: 3.1,
      median: 4.8,
      max: 11.2,
      baseline: { min: 2.9, median: 4.1, max: 9.8 },
      ratio: 1.17,
      target: '<= 1.5x baseline',
      met: true,
    });
    expect(benchmark?.scenarios[0]?.figures[1]).toMatchObject({ baseline: null, ratio: null });
  });

  it('says nothing ran when the file is missing', () => {
    expect(readBenchmark({ root: STATUSES_ROOT })).toEqual({ benchmark: null, problem: null });
  });

  it('keeps what a partial file has and warns about one that is not JSON', () => {
    const partial = readBenchmark({
      root: benchRoot(
        JSON.stringify({
          machine: [1],
          scenarios: [{ figures: [{ median: 'fast', met: 'yes' }] }, 3],
        }),
      ),
    });
    expect(partial.benchmark).toMatchObject({
      node: null,
      commit: null,
      startedAt: null,
      machine: {},
    });
    expect(partial.benchmark?.scenarios).toEqual([
      {
        name: '(unnamed scenario)',
        figures: [
          expect.objectContaining({
            name: '(unnamed figure)',
            unit: '',
            median: null,
            met: null,
            target: null,
          }),
        ],
      },
      { name: '(unnamed scenario)', figures: [] },
    ]);
    const broken = readBenchmark({ root: benchRoot('not json') });
    expect(broken).toMatchObject({
      benchmark: null,
      problem: { kind: 'invalid-input', level: 'warning' },
    });
  });
});
