import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runScanCli, SCAN_USAGE } from '../../src/cli.js';
import { tempTree } from '../support/temp.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function capture(): {
  out: string[];
  err: string[];
  io: { out(line: string): void; err(line: string): void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (line) => void out.push(line), err: (line) => void err.push(line) },
  };
}

describe('chatbox-secrets-scan', () => {
  it('prints usage for --help (exit 0) and for bad arguments (exit 2)', async () => {
    const help = capture();
    expect(await runScanCli(['--help'], help.io)).toBe(0);
    expect(help.out).toEqual([SCAN_USAGE]);
    for (const args of [[], ['--ignore'], ['x', '--ignore='], ['--json', 'x']]) {
      const bad = capture();
      expect(await runScanCli(args, bad.io)).toBe(2);
      expect(bad.err.at(-1)).toBe(SCAN_USAGE);
    }
  });

  it('exits 2 with the error code when a path cannot be scanned', async () => {
    const run = capture();
    expect(await runScanCli(['/nonexistent/chatbox/path'], run.io)).toBe(2);
    expect(run.err).toEqual([expect.stringContaining('(ERR_DEPLOY_PATH_NOT_FOUND)')]);
  });

  it('exits 1 listing file:line findings, 0 when --ignore leaves nothing to report', async () => {
    const tree = await tempTree({
      'k8s/config.yaml': 'a: 1\nAPI_KEY: CHANGE-ME\n',
      'k8s/fixtures/x.env': 'TOKEN=CHANGE-ME\n',
    });
    cleanups.push(tree.remove);
    const dirty = capture();
    expect(await runScanCli([join(tree.dir, 'k8s')], dirty.io)).toBe(1);
    expect(dirty.err).toEqual([
      `${join(tree.dir, 'k8s', 'config.yaml')}:2: placeholder: API_KEY looks like a placeholder (change-me)`,
      `${join(tree.dir, 'k8s', 'fixtures', 'x.env')}:1: placeholder: TOKEN looks like a placeholder (change-me)`,
      'chatbox-secrets-scan: 2 finding(s) in 2 file(s) scanned',
    ]);
    const clean = capture();
    expect(
      await runScanCli([join(tree.dir, 'k8s'), '--ignore=fixtures,config.yaml'], clean.io),
    ).toBe(0);
    expect(clean.out).toEqual(['chatbox-secrets-scan: no secrets found in 0 file(s)']);
  });
});
