import { beforeAll, describe, expect, it } from '@jest/globals';
import type { ManifestSet } from '../../src/manifests.js';
import { deploymentContext } from '../../src/policy/config-wiring.js';
import { checkProbes } from '../../src/policy/probes.js';
import { checkResources, maxOldSpaceMiB } from '../../src/policy/resources.js';
import { checkSecurityContext } from '../../src/policy/security-context.js';
import { checkShutdown } from '../../src/policy/shutdown.js';
import type { PolicyContext, Violation } from '../../src/policy/types.js';
import { loadRepoManifests, withContainer, withResource, without } from '../support/manifests.js';

type Mutable = Record<string, unknown>;
let set: ManifestSet;
let context: PolicyContext;

beforeAll(async () => {
  set = await loadRepoManifests();
  context = deploymentContext(set);
});

function texts(violations: readonly Violation[]): string[] {
  return violations.map((violation) => `${violation.resource}: ${violation.message}`);
}

describe('K1 security context', () => {
  it('takes pod-level fields where Kubernetes does, and needs a Deployment at all', () => {
    const podLevel = withContainer(set, (container) => {
      const context = container.securityContext as Mutable;
      delete context.runAsNonRoot;
      delete context.runAsUser;
      delete context.runAsGroup;
      delete context.seccompProfile;
    });
    expect(checkSecurityContext(podLevel)).toEqual([]);
    expect(texts(checkSecurityContext(without(set, 'Deployment')))).toEqual([
      '(set): no Deployment found',
    ]);
  });

  it('refuses host namespaces, hostPath, hostPort, privileged, added capabilities, a missing fsGroup and account', () => {
    const broken = withContainer(set, (container, pod) => {
      pod.hostNetwork = true;
      pod.hostPID = true;
      pod.volumes = [...(pod.volumes as Mutable[]), { name: 'host', hostPath: { path: '/' } }];
      pod.securityContext = { runAsNonRoot: true };
      pod.serviceAccountName = 'default';
      pod.initContainers = [{ name: 'init', image: 'busybox:1.36.1' }];
      container.securityContext = {
        ...(container.securityContext as Mutable),
        privileged: true,
        capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] },
      };
      container.ports = [{ containerPort: 8080, hostPort: 80 }];
    });
    const found = texts(checkSecurityContext(broken));
    for (const expected of [
      'hostNetwork must not be true',
      'hostPID must not be true',
      'hostPath volumes',
      'fsGroup must be >= 10000',
      'serviceAccountName must name',
      'privileged must not be true',
      'capabilities.add must be empty',
      'hostPort is not allowed',
    ]) {
      expect(found.join('\n')).toContain(expected);
    }
    // The init container is held to the same rules.
    expect(
      found.filter((line) => line.startsWith('Deployment/chatbox container init')).length,
    ).toBeGreaterThanOrEqual(5);
  });

  it('wants /tmp writable: mounted read-write from an emptyDir', () => {
    const readOnly = withContainer(
      set,
      (container) => void ((container.volumeMounts as Mutable[])[0]!.readOnly = true),
    );
    const hostTmp = withContainer(
      set,
      (_container, pod) => void (pod.volumes = [{ name: 'tmp', hostPath: { path: '/tmp' } }]),
    );
    expect(texts(checkSecurityContext(readOnly))).toEqual([
      expect.stringContaining('emptyDir mounted at /tmp'),
    ]);
    expect(texts(checkSecurityContext(hostTmp))).toEqual(
      expect.arrayContaining([expect.stringContaining('emptyDir mounted at /tmp')]),
    );
  });
});

describe('K2 resources', () => {
  it('reads --max-old-space-size among other options only as a whole flag', () => {
    expect(maxOldSpaceMiB('--enable-source-maps --max-old-space-size=384')).toBe(384);
    expect(maxOldSpaceMiB('--max-old-space-size=384x')).toBeUndefined();
  });

  it('wants a CPU request, a request not above the limit, and NODE_OPTIONS', () => {
    const broken = withContainer(set, (container) => {
      container.resources = { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } };
      container.env = (container.env as Mutable[]).filter((entry) => entry.name !== 'NODE_OPTIONS');
    });
    expect(texts(checkResources(broken)).map((line) => line.split(': ')[1])).toEqual([
      'resources.requests.cpu must be set',
      'the memory request exceeds the limit',
      'NODE_OPTIONS must set --max-old-space-size (V8 sizes its heap from the host, not the limit)',
    ]);
  });
});

describe('K4 probes', () => {
  it('wants httpGet probes on a declared port equal to the server port', () => {
    const exec = withContainer(
      set,
      (container) => void (container.startupProbe = { exec: { command: ['true'] } }),
    );
    expect(texts(checkProbes(exec, context))).toEqual([
      expect.stringContaining('startupProbe must be an httpGet probe'),
    ]);
    const undeclared = withContainer(
      set,
      (container) =>
        void ((container.livenessProbe as Mutable).httpGet = { path: '/healthz', port: 'admin' }),
    );
    expect(texts(checkProbes(undeclared, context))).toEqual([
      expect.stringContaining(
        'livenessProbe must probe a declared container port equal to the server port 8080',
      ),
    ]);
    const numeric = withContainer(
      set,
      (container) =>
        void ((container.livenessProbe as Mutable).httpGet = { path: '/healthz', port: 8080 }),
    );
    expect(checkProbes(numeric, context)).toEqual([]);
  });

  it('refuses a liveness probe that gives up before readiness, and equal paths in the context', () => {
    const eager = withContainer(
      set,
      (container) =>
        void (container.livenessProbe = {
          httpGet: { path: '/healthz', port: 'http' },
          periodSeconds: 1,
          failureThreshold: 1,
        }),
    );
    expect(texts(checkProbes(eager, context))).toEqual([
      expect.stringContaining('livenessProbe gives up before readinessProbe'),
    ]);
    const defaults = withContainer(
      set,
      (container) =>
        void (container.readinessProbe = { httpGet: { path: '/readyz', port: 'http' } }),
    );
    expect(checkProbes(defaults, context)).toEqual([]);
    expect(texts(checkProbes(set, { ...context, livenessPath: '/readyz' }))[0]).toBe(
      '(context): liveness and readiness paths must differ',
    );
  });
});

describe('K5 shutdown', () => {
  it("uses Kubernetes' default grace period of 30 s when none is set", () => {
    const defaulted = withResource(set, 'Deployment', (deployment) => {
      delete (((deployment.spec as Mutable).template as Mutable).spec as Mutable)
        .terminationGracePeriodSeconds;
    });
    // 30 >= 5 + 20 + 5: just enough; one more millisecond of deadline is not.
    expect(checkShutdown(defaulted, context)).toEqual([]);
    expect(texts(checkShutdown(set, { ...context, shutdownDeadlineMs: Number.NaN }))).toEqual([
      '(context): the shutdown deadline is not a valid duration',
    ]);
    expect(texts(checkShutdown(defaulted, { ...context, shutdownDeadlineMs: 20_001 }))).toEqual([
      expect.stringContaining(
        'terminationGracePeriodSeconds 30 < preStop 5 + shutdown deadline 21 + margin 5 = 31',
      ),
    ]);
  });
});
