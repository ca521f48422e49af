import type { ManifestSet } from '../manifests.js';
import { resourceId, resourcesOfKind } from '../manifests.js';
import { isSecretName } from '../secret-rules.js';
import { arr, get, rec, str } from './access.js';
import type { PolicyContext, Violation } from './types.js';
import { envOf, workloads } from './workload.js';

function k8(resource: string, message: string): Violation {
  return { rule: 'K8', resource, message };
}

/**
 * K8 (finding 06): no Secret with data in the repo, no secret-named key in a ConfigMap, and
 * every secret-named env var comes from `secretKeyRef` into the Secret created outside git.
 */
export function checkSecrets(set: ManifestSet, context: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const secret of resourcesOfKind(set, 'Secret')) {
    if (secret.data !== undefined || secret.stringData !== undefined)
      out.push(k8(resourceId(secret), 'a Secret with data must not be committed'));
  }
  for (const configMap of resourcesOfKind(set, 'ConfigMap')) {
    for (const key of Object.keys(rec(configMap.data) ?? {})) {
      if (isSecretName(key))
        out.push(
          k8(
            resourceId(configMap),
            `${key} is a secret and must come from the Secret ${context.secretName}`,
          ),
        );
    }
  }
  for (const workload of workloads(set)) {
    for (const container of workload.containers) {
      for (const { name, entry } of envOf(container)) {
        if (!isSecretName(name)) continue;
        const ref = rec(get(entry, 'valueFrom', 'secretKeyRef'));
        if (entry.value !== undefined || ref === undefined)
          out.push(
            k8(
              container.where,
              `${name} must come from valueFrom.secretKeyRef, not a literal value`,
            ),
          );
        else if (str(ref.name) !== context.secretName)
          out.push(k8(container.where, `${name} must come from the Secret ${context.secretName}`));
      }
      for (const source of arr(container.spec.envFrom)) {
        const secretRef = str(get(source, 'secretRef', 'name'));
        if (secretRef !== undefined && secretRef !== context.secretName)
          out.push(k8(container.where, `envFrom may only read the Secret ${context.secretName}`));
      }
    }
  }
  return out;
}
