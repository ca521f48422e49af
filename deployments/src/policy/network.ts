import type { KubeResource, ManifestSet } from '../manifests.js';
import { resourceId, resourcesOfKind } from '../manifests.js';
import { arr, get, num, rec, selects, str } from './access.js';
import type { PolicyContext, PortRule, Violation } from './types.js';
import type { Workload } from './workload.js';
import { workloads } from './workload.js';

function k7(resource: string, message: string): Violation {
  return { rule: 'K7', resource, message };
}

function portKey(rule: PortRule): string {
  return `${rule.protocol}/${rule.port}`;
}

/** A NetworkPolicy port as protocol/number; a named port is resolved against the pod's containers. */
function resolvePort(value: unknown, workload: Workload): PortRule | string {
  const port = rec(value) ?? {};
  const protocol = str(port.protocol) ?? 'TCP';
  if (protocol !== 'TCP' && protocol !== 'UDP') return `protocol ${protocol} is not allowed`;
  if (port.endPort !== undefined) return 'port ranges (endPort) are not allowed';
  let number = num(port.port);
  if (typeof port.port === 'string') {
    const named = workload.mainContainers
      .flatMap((container) => arr(container.spec.ports))
      .map(rec)
      .find((declared) => declared?.name === port.port);
    number = num(named?.containerPort);
  }
  return number === undefined
    ? 'every rule must name its port (a rule without one allows all ports)'
    : { protocol, port: number };
}

function rulePorts(
  policy: KubeResource,
  direction: 'ingress' | 'egress',
  workload: Workload,
  out: Violation[],
): PortRule[] {
  const ports: PortRule[] = [];
  for (const rule of arr(get(policy, 'spec', direction))) {
    const listed = arr(get(rule, 'ports'));
    if (listed.length === 0)
      out.push(k7(resourceId(policy), `an ${direction} rule without ports allows every port`));
    for (const value of listed) {
      const resolved = resolvePort(value, workload);
      if (typeof resolved === 'string')
        out.push(k7(resourceId(policy), `${direction}: ${resolved}`));
      else ports.push(resolved);
    }
  }
  return ports;
}

function checkWorkload(set: ManifestSet, workload: Workload, context: PolicyContext): Violation[] {
  const policies = resourcesOfKind(set, 'NetworkPolicy').filter((policy) =>
    selects(get(policy, 'spec', 'podSelector', 'matchLabels'), workload.podLabels),
  );
  if (policies.length === 0) return [k7(workload.id, 'no NetworkPolicy selects its pods')];
  const out: Violation[] = [];
  const ingress: PortRule[] = [];
  const egress: PortRule[] = [];
  for (const policy of policies) {
    const types = arr(get(policy, 'spec', 'policyTypes'));
    if (!types.includes('Ingress') || !types.includes('Egress'))
      out.push(
        k7(resourceId(policy), 'policyTypes must list Ingress and Egress (default deny both ways)'),
      );
    ingress.push(...rulePorts(policy, 'ingress', workload, out));
    egress.push(...rulePorts(policy, 'egress', workload, out));
  }
  const app: PortRule = { protocol: 'TCP', port: context.appPort };
  for (const rule of ingress) {
    if (portKey(rule) !== portKey(app))
      out.push(
        k7(
          workload.id,
          `ingress allows ${portKey(rule)}; only the app port ${portKey(app)} may be open`,
        ),
      );
  }
  if (!ingress.some((rule) => portKey(rule) === portKey(app)))
    out.push(k7(workload.id, `ingress must allow the app port ${portKey(app)}`));
  const allowed = new Set(context.allowedEgress.map(portKey));
  for (const rule of egress) {
    if (!allowed.has(portKey(rule)))
      out.push(k7(workload.id, `egress allows ${portKey(rule)}, which the server does not use`));
  }
  const present = new Set(egress.map(portKey));
  for (const rule of context.requiredEgress) {
    if (!present.has(portKey(rule)))
      out.push(k7(workload.id, `egress must allow ${portKey(rule)}`));
  }
  return out;
}

/** K7: default deny both ways; ingress only to the app port; egress only to what the config uses. */
export function checkNetworkPolicy(set: ManifestSet, context: PolicyContext): Violation[] {
  return workloads(set).flatMap((workload) => checkWorkload(set, workload, context));
}
