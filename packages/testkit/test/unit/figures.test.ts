import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forceGc, heapUsedBytes, recordFigure } from '../../src/index.js';
import { resolveGc, slugOf } from '../../src/figures.js';

describe('recordFigure', () => {
  const originalCwd = process.cwd();
  let dir: string;

  // A scratch package: the kit's own tests must not add figures to the findings report.
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatbox-figures-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@chatbox/scratch' }));
    process.chdir(dir);
  });

  afterEach(() => {
    process.chdir(originalCwd);
    rmSync(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  it('writes reports/figures/<finding>-<slug>.json and prints one line', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    recordFigure('11', 'keys held after cleanup', 0, 'keys');
    expect(write).toHaveBeenCalledWith('[figure] finding 11 keys held after cleanup: 0 keys\n');
    const file = join(dir, 'reports', 'figures', '11-keys-held-after-cleanup.json');
    const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({
      finding: '11',
      name: 'keys held after cleanup',
      value: 0,
      unit: 'keys',
      package: '@chatbox/scratch',
    });
    expect(Number.isNaN(Date.parse(String(record['recordedAt'])))).toBe(false);
  });

  it('overwrites the same figure and names the package unknown without a package.json', () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    rmSync(join(dir, 'package.json'));
    recordFigure('01', 'Heap growth (MiB)', 12.5, 'MiB');
    recordFigure('01', 'Heap growth (MiB)', 3, 'MiB');
    expect(readdirSync(join(dir, 'reports', 'figures'))).toEqual(['01-heap-growth-mib.json']);
    const record = JSON.parse(
      readFileSync(join(dir, 'reports', 'figures', '01-heap-growth-mib.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(record).toMatchObject({ value: 3, package: 'unknown' });
  });

  it('rejects a bad finding, an empty name or a non-finite value', () => {
    for (const call of [
      () => recordFigure('1', 'x', 1, 'u'),
      () => recordFigure('20', 'x', 1, 'u'),
      () => recordFigure('00', 'x', 1, 'u'),
      () => recordFigure('05', '  ', 1, 'u'),
      () => recordFigure('05', 'x', Number.NaN, 'u'),
    ]) {
      expect(call).toThrow(expect.objectContaining({ code: 'ERR_TESTKIT_INVALID_ARGUMENT' }));
    }
  });

  it('slugs names to lowercase dashes', () => {
    expect(slugOf('  Sessions / after SWEEP!  ')).toBe('sessions-after-sweep');
  });
});

describe('forceGc and heapUsedBytes', () => {
  it('collects garbage so the heap figure drops after releasing a large allocation', () => {
    forceGc();
    const baseline = heapUsedBytes();
    let big: number[][] | undefined = Array.from({ length: 200 }, () =>
      Array.from({ length: 10_000 }, (_, i) => i),
    );
    const held = heapUsedBytes();
    expect(big.length).toBe(200);
    big = undefined;
    forceGc();
    const after = heapUsedBytes();
    // ~16 MB of arrays: generous bounds, not an exact figure.
    expect(held - baseline).toBeGreaterThan(4 * 1024 * 1024);
    expect(after).toBeLessThan(held - 4 * 1024 * 1024);
  });

  it('finds gc without the --expose-gc global', () => {
    const gc = resolveGc(undefined);
    expect(typeof gc).toBe('function');
    expect(() => gc()).not.toThrow();
    expect(resolveGc(undefined)).toBe(gc);
  });
});
