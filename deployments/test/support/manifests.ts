import { loadManifests } from '../../src/index.js';
import type { KubeResource, ManifestSet } from '../../src/index.js';
import { KUBERNETES_DIR } from './paths.js';

export function loadRepoManifests(): Promise<ManifestSet> {
  return loadManifests(KUBERNETES_DIR);
}

type Mutable = Record<string, unknown>;

/** A deep copy of `set` with `mutate` applied to its resource `kind` (the first one). */
export function withResource(
  set: ManifestSet,
  kind: string,
  mutate: (resource: Mutable) => void,
): ManifestSet {
  const copy = structuredClone(set);
  const target = copy.resources.find((loaded) => loaded.resource.kind === kind);
  if (target === undefined) throw new Error(`no ${kind} in the set`);
  mutate(target.resource);
  return copy;
}

/** Same, on the Deployment's first container. */
export function withContainer(
  set: ManifestSet,
  mutate: (container: Mutable, pod: Mutable) => void,
): ManifestSet {
  return withResource(set, 'Deployment', (deployment) => {
    const pod = (deployment.spec as Mutable).template as Mutable;
    const spec = pod.spec as Mutable;
    mutate((spec.containers as Mutable[])[0]!, spec);
  });
}

export function without(set: ManifestSet, kind: string): ManifestSet {
  return { ...set, resources: set.resources.filter((loaded) => loaded.resource.kind !== kind) };
}

export function withExtra(set: ManifestSet, resource: KubeResource): ManifestSet {
  return { ...set, resources: [...set.resources, { file: 'extra.yaml', resource }] };
}
