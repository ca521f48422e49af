import type { KubeResource, ManifestSet } from '../manifests.js';
import { resourceId, resourcesOfKind } from '../manifests.js';
import { arr, get, rec } from './access.js';
import type { Json } from './access.js';

export interface Container {
  readonly name: string;
  readonly spec: Json;
  /** `Deployment/chatbox container server`. */
  readonly where: string;
}

export interface Workload {
  readonly resource: KubeResource;
  readonly id: string;
  readonly podSpec: Json;
  readonly podLabels: Json;
  /** Containers and init containers. */
  readonly containers: readonly Container[];
  /** Containers without the init containers (the ones that serve and get probes). */
  readonly mainContainers: readonly Container[];
}

function containersOf(id: string, values: readonly unknown[]): Container[] {
  return values.flatMap((value) => {
    const spec = rec(value);
    if (spec === undefined) return [];
    const name = typeof spec.name === 'string' ? spec.name : '?';
    return [{ name, spec, where: `${id} container ${name}` }];
  });
}

/** The Deployments of the set with their pod template. */
export function workloads(set: ManifestSet): Workload[] {
  return resourcesOfKind(set, 'Deployment').map((resource) => {
    const id = resourceId(resource);
    const podSpec = rec(get(resource, 'spec', 'template', 'spec')) ?? {};
    const podLabels = rec(get(resource, 'spec', 'template', 'metadata', 'labels')) ?? {};
    const mainContainers = containersOf(id, arr(podSpec.containers));
    return {
      resource,
      id,
      podSpec,
      podLabels,
      containers: [...containersOf(id, arr(podSpec.initContainers)), ...mainContainers],
      mainContainers,
    };
  });
}

export interface EnvEntry {
  readonly name: string;
  readonly entry: Json;
}

export function envOf(container: Container): EnvEntry[] {
  return arr(container.spec.env).flatMap((value) => {
    const entry = rec(value);
    return entry !== undefined && typeof entry.name === 'string'
      ? [{ name: entry.name, entry }]
      : [];
  });
}
