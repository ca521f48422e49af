import { afterEach, describe, expect, it } from '@jest/globals';
import { isDeployError } from '../../src/errors.js';
import { loadManifests } from '../../src/manifests.js';
import { tempTree } from '../support/temp.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';

async function load(files: Record<string, string>): Promise<unknown> {
  const tree = await tempTree(files);
  cleanups.push(tree.remove);
  return loadManifests(tree.dir);
}

async function failure(files: Record<string, string>): Promise<string> {
  try {
    await load(files);
  } catch (error) {
    if (isDeployError(error) && error.code === 'ERR_DEPLOY_MANIFEST_INVALID') return error.message;
    throw error;
  }
  throw new Error('loaded');
}

describe('loadManifests', () => {
  it('loads the listed files, skipping empty documents', async () => {
    const set = (await load({
      'kustomization.yaml': 'resources: [a.yaml]\n',
      'a.yaml': `---\n${CONFIG_MAP}---\n`,
    })) as { resources: unknown[] };
    expect(set.resources).toHaveLength(1);
  });

  it('refuses a missing or malformed kustomization', async () => {
    expect(await failure({ 'a.yaml': CONFIG_MAP })).toMatch(/cannot read .*kustomization\.yaml/);
    expect(await failure({ 'kustomization.yaml': 'resources: a.yaml\n' })).toMatch(
      /needs a resources list/,
    );
    expect(await failure({ 'kustomization.yaml': 'resources: [[a]]\n' })).toMatch(
      /needs a resources list/,
    );
  });

  it('refuses unlisted files, invalid YAML, documents without identity and duplicates', async () => {
    expect(
      await failure({ 'kustomization.yaml': 'resources: []\n', 'a.yaml': CONFIG_MAP }),
    ).toMatch(/not listed in kustomization\.yaml resources: a\.yaml/);
    expect(
      await failure({ 'kustomization.yaml': 'resources: [a.yaml]\n', 'a.yaml': 'a: [\n' }),
    ).toMatch(/a\.yaml is not valid YAML/);
    expect(
      await failure({
        'kustomization.yaml': 'resources: [a.yaml]\n',
        'a.yaml': 'kind: ConfigMap\n',
      }),
    ).toMatch(/needs apiVersion, kind and metadata\.name/);
    expect(
      await failure({ 'kustomization.yaml': 'resources: [a.yaml]\n', 'a.yaml': '- 1\n' }),
    ).toMatch(/needs apiVersion/);
    expect(
      await failure({
        'kustomization.yaml': 'resources: [a.yaml, b.yaml]\n',
        'a.yaml': CONFIG_MAP,
        'b.yaml': CONFIG_MAP,
      }),
    ).toMatch(/ConfigMap\/a is defined twice/);
  });
});
