import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCliArgs } from '../../src/cli-args.js';
import { main, type CliIo } from '../../src/cli.js';
import { setTestStatus } from '../support/edit-results.js';
import {
  copyFixture,
  createTempDirs,
  FULL_RUN_ROOT,
  STATUSES_CATALOGUE,
  STATUSES_ROOT,
} from '../support/fixtures.js';

function capture(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    cwd,
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
    out: () => out,
    err: () => err,
  };
}

describe('parseCliArgs', () => {
  it('reads every flag', () => {
    expect(
      parseCliArgs([
        '--root',
        'r',
        '--out',
        'o',
        '--history',
        'h',
        '--commit',
        'c',
        '--catalogue',
        'k.yaml',
        '--allow-untested',
      ]),
    ).toEqual({
      help: false,
      root: 'r',
      out: 'o',
      history: 'h',
      noHistory: false,
      commit: 'c',
      catalogue: 'k.yaml',
      allowUntested: true,
    });
    expect(parseCliArgs(['--no-history', '-h'])).toMatchObject({
      noHistory: true,
      help: true,
      history: undefined,
    });
  });

  it.each([
    [['--colour'], 'Unknown option'],
    [['stray'], 'positional'],
    [['--history', 'h', '--no-history'], 'cannot be used together'],
    [['--out='], '--out needs a value'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(
      expect.objectContaining({
        code: 'ERR_REPORT_INVALID_ARGUMENT',
        message: expect.stringContaining(message),
      }),
    );
  });
});

describe('main', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());

  it('prints the usage for --help and exits 0', () => {
    const io = capture(STATUSES_ROOT);
    expect(main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('--allow-untested');
  });

  it('exits 2 with the usage on a bad flag', () => {
    const io = capture(STATUSES_ROOT);
    expect(main(['--bogus'], io)).toBe(2);
    expect(io.err()).toMatch(/^findings-report: ERR_REPORT_INVALID_ARGUMENT: .*bogus/);
    expect(io.err()).toContain('Usage:');
  });

  it('exits 2 without the usage on bad input', () => {
    const io = capture(temp.make('no-root'));
    expect(main(['--no-history'], io)).toBe(2);
    expect(io.err()).toContain('ERR_REPORT_ROOT_NOT_FOUND');
    expect(io.err()).not.toContain('Usage:');
  });

  it('exits 2 and explains an unexpected failure instead of crashing', () => {
    const io = capture(STATUSES_ROOT);
    const failing = {
      ...io,
      stdout: () => {
        throw new Error('write EPIPE');
      },
    };
    expect(main(['--help'], failing)).toBe(2);
    expect(io.err()).toMatch(/^findings-report: unexpected failure: Error: write EPIPE/);
  });

  it('exits 1 and prints a one-screen summary when findings regress', () => {
    const io = capture(STATUSES_ROOT);
    const out = temp.make('site');
    const code = main(
      [
        '--catalogue',
        STATUSES_CATALOGUE,
        '--out',
        out,
        '--history',
        temp.make('history'),
        '--commit',
        '0123456789abcdef',
      ],
      io,
    );
    expect(code).toBe(1);
    expect(io.out().split('\n').length).toBeLessThanOrEqual(30);
    expect(io.out()).toContain('commit 0123456789ab');
    expect(io.out()).toMatch(/FAIL \(exit 1\): 1 regressed, 2 untested, \d+ drift errors/);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });

  it('exits 0 with --allow-untested when nothing regressed', () => {
    const root = copyFixture(FULL_RUN_ROOT, temp.make('repo'));
    setTestStatus(
      join(root, 'packages', 'websocket', 'reports', 'test.json'),
      'ProductionIssue14_SlowConsumer',
      'passed',
    );
    const io = capture(temp.make('elsewhere'));
    expect(main(['--root', root, '--no-history', '--allow-untested'], io)).toBe(0);
    expect(io.out()).toContain('OK (exit 0, untested findings accepted by --allow-untested)');
    expect(existsSync(join(root, '.findings-history'))).toBe(false);
  });
});
