import { describe, expect, it } from '@jest/globals';
import { exitStatusOf } from '../../src/exit-status.js';
import type { Drift, DriftKind, Report } from '../../src/report-model.js';

function report(regressed: number, untested: number, drift: [DriftKind, Drift['level']][]): Report {
  return {
    totals: { regressed, untested },
    drift: drift.map(([kind, level]) => ({
      kind,
      level,
      message: kind,
      finding: null,
      test: null,
      file: null,
    })),
  } as unknown as Report;
}

describe('exitStatusOf', () => {
  it('passes with nothing regressed, untested or drifting', () => {
    expect(
      exitStatusOf(report(0, 0, [['unlisted-test', 'warning']]), { allowUntested: false }),
    ).toEqual({ code: 0, reasons: [] });
  });

  it('fails on a regression whatever the policy', () => {
    expect(exitStatusOf(report(2, 0, []), { allowUntested: true })).toEqual({
      code: 1,
      reasons: ['2 regressed'],
    });
  });

  it('fails on untested findings and their drift unless they are accepted', () => {
    const untested = report(0, 1, [
      ['no-results', 'error'],
      ['test-not-run', 'error'],
    ]);
    expect(exitStatusOf(untested, { allowUntested: false })).toEqual({
      code: 1,
      reasons: ['1 untested', '2 drift errors'],
    });
    expect(exitStatusOf(untested, { allowUntested: true })).toEqual({ code: 0, reasons: [] });
  });

  it('fails on drift that acceptance of untested findings does not cover', () => {
    expect(
      exitStatusOf(report(0, 0, [['unknown-finding', 'error']]), { allowUntested: true }),
    ).toEqual({ code: 1, reasons: ['1 drift error'] });
    expect(
      exitStatusOf(report(0, 0, [['invalid-input', 'error']]), { allowUntested: true }).code,
    ).toBe(1);
  });
});
