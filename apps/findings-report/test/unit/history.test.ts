import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  appendRun,
  emptyHistory,
  loadHistory,
  saveHistory,
  type HistoryRun,
} from '../../src/history.js';
import { createTempDirs } from '../support/fixtures.js';

const run = (n: number): HistoryRun => ({
  commit: `c${n}`,
  time: `2026-11-0${n}T00:00:00.000Z`,
  findings: {},
  packages: {},
});

describe('history', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());

  it('starts empty when there is no file', () => {
    expect(loadHistory(join(temp.make('none'), 'history.json'))).toEqual({ version: 1, runs: [] });
  });

  it('round-trips through a file in a directory it creates, leaving no temporary file', () => {
    const dir = join(temp.make('save'), 'nested', 'history');
    const path = join(dir, 'history.json');
    const history = appendRun(appendRun(emptyHistory(), run(1)), run(2));
    saveHistory(path, history);
    expect(loadHistory(path)).toEqual(history);
    expect(readdirSync(dir)).toEqual(['history.json']);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });

  it('keeps only the most recent runs', () => {
    let history = emptyHistory();
    for (let n = 1; n <= 5; n += 1) history = appendRun(history, run(n), 3);
    expect(history.runs.map((r) => r.commit)).toEqual(['c3', 'c4', 'c5']);
  });

  it('refuses a corrupt or foreign file instead of silently starting over', () => {
    const dir = temp.make('corrupt');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"version":1,"runs":[');
    expect(() => loadHistory(broken)).toThrow(
      expect.objectContaining({ code: 'ERR_REPORT_HISTORY_INVALID' }),
    );
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ version: 2, runs: [] }));
    expect(() => loadHistory(foreign)).toThrow(
      expect.objectContaining({
        code: 'ERR_REPORT_HISTORY_INVALID',
        message: expect.stringContaining('version'),
      }),
    );
  });

  it('reports a history it cannot write', () => {
    const dir = temp.make('blocked');
    mkdirSync(join(dir, 'history.json'));
    expect(() => saveHistory(join(dir, 'history.json'), emptyHistory())).toThrow(
      expect.objectContaining({ code: 'ERR_REPORT_WRITE_FAILED' }),
    );
    expect(readdirSync(dir)).toEqual(['history.json']);
  });
});
