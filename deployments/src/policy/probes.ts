import type { ManifestSet } from '../manifests.js';
import { arr, get, num, rec, str } from './access.js';
import type { PolicyContext, Violation } from './types.js';
import type { Container } from './workload.js';
import { workloads } from './workload.js';

// Kubernetes defaults when a probe leaves them out.
const DEFAULT_PERIOD_SECONDS = 10;
const DEFAULT_FAILURE_THRESHOLD = 3;

type ProbeName = 'startupProbe' | 'readinessProbe' | 'livenessProbe';

function k4(resource: string, message: string): Violation {
  return { rule: 'K4', resource, message };
}

/** The container port a probe's `port` (number or name) refers to. */
function probePort(container: Container, port: unknown): number | undefined {
  for (const value of arr(container.spec.ports)) {
    const declared = rec(value);
    if (declared !== undefined && (declared.name === port || declared.containerPort === port))
      return num(declared.containerPort);
  }
  return undefined;
}

function failAfterSeconds(probe: unknown): number {
  return (
    (num(get(probe, 'periodSeconds')) ?? DEFAULT_PERIOD_SECONDS) *
    (num(get(probe, 'failureThreshold')) ?? DEFAULT_FAILURE_THRESHOLD)
  );
}

function checkProbe(
  container: Container,
  name: ProbeName,
  path: string,
  context: PolicyContext,
): Violation[] {
  const probe = rec(container.spec[name]);
  if (probe === undefined) return [k4(container.where, `${name} is missing`)];
  const httpGet = rec(probe.httpGet);
  if (httpGet === undefined) return [k4(container.where, `${name} must be an httpGet probe`)];
  const out: Violation[] = [];
  if (str(httpGet.path) !== path) out.push(k4(container.where, `${name} must probe ${path}`));
  const port = probePort(container, httpGet.port);
  if (port !== context.appPort)
    out.push(
      k4(
        container.where,
        `${name} must probe a declared container port equal to the server port ${context.appPort}`,
      ),
    );
  return out;
}

/**
 * K4: startup and readiness probes on the readiness path, liveness on the liveness path. They
 * differ: a failing dependency makes a pod unready, it must never get it restarted.
 */
export function checkProbes(set: ManifestSet, context: PolicyContext): Violation[] {
  const out: Violation[] = [];
  if (context.readinessPath === context.livenessPath)
    out.push(k4('(context)', 'liveness and readiness paths must differ'));
  for (const workload of workloads(set)) {
    for (const container of workload.mainContainers) {
      out.push(...checkProbe(container, 'startupProbe', context.readinessPath, context));
      out.push(...checkProbe(container, 'readinessProbe', context.readinessPath, context));
      out.push(...checkProbe(container, 'livenessProbe', context.livenessPath, context));
      const readiness = container.spec.readinessProbe;
      const liveness = container.spec.livenessProbe;
      if (
        readiness !== undefined &&
        liveness !== undefined &&
        failAfterSeconds(liveness) < failAfterSeconds(readiness)
      ) {
        out.push(
          k4(
            container.where,
            'livenessProbe gives up before readinessProbe: the pod would be restarted before it is taken out of rotation',
          ),
        );
      }
    }
  }
  return out;
}
