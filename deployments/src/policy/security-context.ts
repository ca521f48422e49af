import type { ManifestSet } from '../manifests.js';
import { resourcesOfKind } from '../manifests.js';
import { arr, get, num, rec, str } from './access.js';
import type { Violation } from './types.js';
import type { Container, Workload } from './workload.js';
import { workloads } from './workload.js';

/** Pod Security "restricted" plus this project's floor for the UID/GID (images' users are < 10000). */
export const MIN_RUN_AS_ID = 10_000;

function k1(resource: string, message: string): Violation {
  return { rule: 'K1', resource, message };
}

/** A container field, falling back to the pod-level securityContext where Kubernetes does. */
function effective(workload: Workload, container: Container, field: string): unknown {
  return (
    get(container.spec, 'securityContext', field) ?? get(workload.podSpec, 'securityContext', field)
  );
}

function checkPod(workload: Workload, set: ManifestSet): Violation[] {
  const out: Violation[] = [];
  const pod = workload.podSpec;
  if (pod.automountServiceAccountToken !== false)
    out.push(k1(workload.id, 'pod must set automountServiceAccountToken: false'));
  const accountName = str(pod.serviceAccountName);
  const account = resourcesOfKind(set, 'ServiceAccount').find(
    (candidate) => candidate.metadata.name === accountName,
  );
  if (account === undefined)
    out.push(k1(workload.id, 'serviceAccountName must name a ServiceAccount of this set'));
  else if (account.automountServiceAccountToken !== false)
    out.push(
      k1(`ServiceAccount/${accountName ?? ''}`, 'must set automountServiceAccountToken: false'),
    );
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (pod[field] === true) out.push(k1(workload.id, `${field} must not be true`));
  }
  if ((num(get(pod, 'securityContext', 'fsGroup')) ?? -1) < MIN_RUN_AS_ID)
    out.push(k1(workload.id, `securityContext.fsGroup must be >= ${MIN_RUN_AS_ID}`));
  for (const volume of arr(pod.volumes)) {
    if (rec(volume)?.hostPath !== undefined)
      out.push(k1(workload.id, 'hostPath volumes are not allowed'));
  }
  return out;
}

function hasWritableTmp(workload: Workload, container: Container): boolean {
  const tmp = arr(container.spec.volumeMounts)
    .map(rec)
    .find((mount) => mount?.mountPath === '/tmp');
  const volume = arr(workload.podSpec.volumes)
    .map(rec)
    .find((candidate) => candidate !== undefined && candidate.name === tmp?.name);
  return tmp !== undefined && tmp.readOnly !== true && volume?.emptyDir !== undefined;
}

function checkContainer(workload: Workload, container: Container): Violation[] {
  const out: Violation[] = [];
  const where = container.where;
  const context = rec(container.spec.securityContext) ?? {};
  if (effective(workload, container, 'runAsNonRoot') !== true)
    out.push(k1(where, 'runAsNonRoot must be true'));
  for (const field of ['runAsUser', 'runAsGroup']) {
    const id = num(effective(workload, container, field));
    if (id === undefined || id < MIN_RUN_AS_ID)
      out.push(k1(where, `${field} must be set to >= ${MIN_RUN_AS_ID}`));
  }
  if (context.allowPrivilegeEscalation !== false)
    out.push(k1(where, 'allowPrivilegeEscalation must be false'));
  if (context.privileged === true) out.push(k1(where, 'privileged must not be true'));
  if (context.readOnlyRootFilesystem !== true)
    out.push(k1(where, 'readOnlyRootFilesystem must be true'));
  else if (!hasWritableTmp(workload, container))
    out.push(k1(where, 'a read-only root filesystem needs an emptyDir mounted at /tmp'));
  const drop = arr(get(context, 'capabilities', 'drop'));
  if (!drop.includes('ALL')) out.push(k1(where, 'capabilities.drop must include ALL'));
  if (arr(get(context, 'capabilities', 'add')).length > 0)
    out.push(k1(where, 'capabilities.add must be empty'));
  if (str(get(effective(workload, container, 'seccompProfile'), 'type')) !== 'RuntimeDefault') {
    out.push(k1(where, 'seccompProfile.type must be RuntimeDefault'));
  }
  for (const port of arr(container.spec.ports)) {
    if (rec(port)?.hostPort !== undefined) out.push(k1(where, 'hostPort is not allowed'));
  }
  return out;
}

/** K1: Pod Security "restricted", non-root IDs >= 10000, read-only root fs, no API token. */
export function checkSecurityContext(set: ManifestSet): Violation[] {
  const all = workloads(set);
  if (all.length === 0) return [k1('(set)', 'no Deployment found')];
  return all.flatMap((workload) => [
    ...checkPod(workload, set),
    ...workload.containers.flatMap((container) => checkContainer(workload, container)),
  ]);
}
