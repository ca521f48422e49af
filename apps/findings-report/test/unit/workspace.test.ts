import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverPackages, displayPath, findRoot, toRepoPath } from '../../src/workspace.js';
import { createTempDirs, STATUSES_ROOT } from '../support/fixtures.js';

describe('workspace', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());

  it('finds the root by walking up to pnpm-workspace.yaml', () => {
    expect(findRoot(join(STATUSES_ROOT, 'packages', 'alpha', 'reports'))).toBe(STATUSES_ROOT);
    expect(findRoot(STATUSES_ROOT)).toBe(STATUSES_ROOT);
  });

  it('says how to proceed when there is no workspace above', () => {
    expect(() => findRoot(temp.make('nowhere'))).toThrow(
      expect.objectContaining({
        code: 'ERR_REPORT_ROOT_NOT_FOUND',
        message: expect.stringContaining('--root'),
      }),
    );
  });

  it('lists packages/*, apps/* and deployments that have a package.json, by the name in it', () => {
    expect(discoverPackages(STATUSES_ROOT).map(({ name, relDir }) => ({ name, relDir }))).toEqual([
      { name: '@chatbox/alpha', relDir: 'packages/alpha' },
      { name: '@chatbox/beta', relDir: 'packages/beta' },
      { name: '@chatbox/deployments', relDir: 'deployments' },
      { name: '@chatbox/gamma', relDir: 'apps/gamma' },
    ]);
  });

  it('finds nothing in an empty root, nor in a group that is a file', () => {
    const root = temp.make('empty');
    expect(discoverPackages(root)).toEqual([]);
    writeFileSync(join(root, 'packages'), 'not a folder');
    expect(discoverPackages(root)).toEqual([]);
  });

  it('writes repo paths with forward slashes', () => {
    expect(toRepoPath('/repo', '/repo/packages/a/reports/test.json')).toBe(
      'packages/a/reports/test.json',
    );
  });

  it('shows paths inside the root relative to it and others unchanged', () => {
    expect(displayPath('/repo', '/repo/site/index.html')).toBe('site/index.html');
    expect(displayPath('/repo', '/elsewhere/site/index.html')).toBe('/elsewhere/site/index.html');
  });
});
