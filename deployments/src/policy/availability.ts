import type { ManifestSet } from '../manifests.js';
import { resourceId, resourcesOfKind } from '../manifests.js';
import { arr, get, num, rec, selects, str } from './access.js';
import type { Violation } from './types.js';
import type { Workload } from './workload.js';
import { workloads } from './workload.js';

/** Two replicas at least: one can be drained or rescheduled while the other serves. */
export const MIN_REPLICAS = 2;
const SPREAD_KEYS = new Set(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);

function k6(resource: string, message: string): Violation {
  return { rule: 'K6', resource, message };
}

function checkAutoscaler(set: ManifestSet, workload: Workload): Violation[] {
  const name = workload.resource.metadata.name;
  const hpa = resourcesOfKind(set, 'HorizontalPodAutoscaler').find(
    (candidate) =>
      get(candidate, 'spec', 'scaleTargetRef', 'kind') === 'Deployment' &&
      get(candidate, 'spec', 'scaleTargetRef', 'name') === name,
  );
  if (hpa === undefined) return [k6(workload.id, 'no HorizontalPodAutoscaler targets it')];
  const out: Violation[] = [];
  const id = resourceId(hpa);
  if (hpa.apiVersion !== 'autoscaling/v2') out.push(k6(id, 'must use autoscaling/v2'));
  if (get(hpa, 'spec', 'scaleTargetRef', 'apiVersion') !== 'apps/v1')
    out.push(k6(id, 'scaleTargetRef.apiVersion must be apps/v1'));
  const min = num(get(hpa, 'spec', 'minReplicas')) ?? 1;
  const max = num(get(hpa, 'spec', 'maxReplicas')) ?? 0;
  if (min < MIN_REPLICAS) out.push(k6(id, `minReplicas must be >= ${MIN_REPLICAS}`));
  if (max < min) out.push(k6(id, 'maxReplicas must be >= minReplicas'));
  if (arr(get(hpa, 'spec', 'metrics')).length === 0) out.push(k6(id, 'needs at least one metric'));
  // A static count fights the autoscaler: every apply resets the replicas it chose.
  if (get(workload.resource, 'spec', 'replicas') !== undefined)
    out.push(k6(workload.id, 'must not set spec.replicas while an HPA scales it'));
  return out;
}

function checkDisruptionBudget(set: ManifestSet, workload: Workload): Violation[] {
  const pdb = resourcesOfKind(set, 'PodDisruptionBudget').find((candidate) =>
    selects(get(candidate, 'spec', 'selector', 'matchLabels'), workload.podLabels),
  );
  if (pdb === undefined) return [k6(workload.id, 'no PodDisruptionBudget selects its pods')];
  const out: Violation[] = [];
  const id = resourceId(pdb);
  if (pdb.apiVersion !== 'policy/v1') out.push(k6(id, 'must use policy/v1'));
  if (get(pdb, 'spec', 'maxUnavailable') !== 1) out.push(k6(id, 'maxUnavailable must be 1'));
  if (get(pdb, 'spec', 'minAvailable') !== undefined)
    out.push(k6(id, 'must not also set minAvailable'));
  return out;
}

function checkSpread(workload: Workload): Violation[] {
  const constraints = arr(workload.podSpec.topologySpreadConstraints).map(rec);
  if (constraints.length === 0) return [k6(workload.id, 'needs topologySpreadConstraints')];
  const out: Violation[] = [];
  for (const constraint of constraints) {
    const key = str(constraint?.topologyKey) ?? '?';
    if (!selects(get(constraint, 'labelSelector', 'matchLabels'), workload.podLabels))
      out.push(k6(workload.id, `topology spread on ${key} must select the pods`));
    if ((num(constraint?.maxSkew) ?? 0) < 1)
      out.push(k6(workload.id, `topology spread on ${key} needs maxSkew >= 1`));
  }
  if (!constraints.some((constraint) => SPREAD_KEYS.has(str(constraint?.topologyKey) ?? ''))) {
    out.push(k6(workload.id, 'spread over kubernetes.io/hostname or topology.kubernetes.io/zone'));
  }
  return out;
}

/** K6: an autoscaler (and then no static replicas), a disruption budget, a topology spread. */
export function checkAvailability(set: ManifestSet): Violation[] {
  return workloads(set).flatMap((workload) => [
    ...checkAutoscaler(set, workload),
    ...checkDisruptionBudget(set, workload),
    ...checkSpread(workload),
  ]);
}
