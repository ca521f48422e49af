// Rules K1–K8 of shared/spec/reliability.md over the parsed manifests of deployments/kubernetes.
// Each rule: the repository's manifests satisfy it, and a manifest breaking it is caught.
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  checkAvailability,
  checkImages,
  checkNetworkPolicy,
  checkPolicies,
  checkProbes,
  checkResources,
  checkSecrets,
  checkSecurityContext,
  checkShutdown,
  deploymentContext,
  formatViolation,
} from '../../src/index.js';
import type { ManifestSet, PolicyContext, Violation } from '../../src/index.js';
import {
  loadRepoManifests,
  withContainer,
  withExtra,
  withResource,
  without,
} from '../support/manifests.js';

type Mutable = Record<string, unknown>;
let set: ManifestSet;
let context: PolicyContext;

beforeAll(async () => {
  set = await loadRepoManifests();
  context = deploymentContext(set);
});

function messages(violations: readonly Violation[]): string[] {
  return violations.map(formatViolation);
}

describe('Kubernetes policy over deployments/kubernetes', () => {
  it('the manifest set breaks no rule at all', () => {
    expect(messages(checkPolicies(set))).toEqual([]);
    expect(set.resources.map((loaded) => loaded.resource.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
  });

  it('K1 restricted security context: non-root >= 10000, read-only root with /tmp, no escalation, drop ALL, RuntimeDefault, no token', () => {
    expect(checkSecurityContext(set)).toEqual([]);
    const broken = withContainer(set, (container, pod) => {
      container.securityContext = {
        ...(container.securityContext as Mutable),
        runAsUser: 0,
        allowPrivilegeEscalation: true,
        readOnlyRootFilesystem: false,
        capabilities: { drop: ['NET_RAW'] },
      };
      pod.automountServiceAccountToken = true;
      pod.securityContext = {
        ...(pod.securityContext as Mutable),
        seccompProfile: { type: 'Unconfined' },
      };
      delete (container.securityContext as Mutable).seccompProfile;
    });
    expect(messages(checkSecurityContext(broken))).toEqual(
      expect.arrayContaining([
        expect.stringContaining('automountServiceAccountToken: false'),
        expect.stringContaining('runAsUser must be set to >= 10000'),
        expect.stringContaining('allowPrivilegeEscalation must be false'),
        expect.stringContaining('readOnlyRootFilesystem must be true'),
        expect.stringContaining('capabilities.drop must include ALL'),
        expect.stringContaining('seccompProfile.type must be RuntimeDefault'),
      ]),
    );
    const noTmp = withContainer(set, (container) => void (container.volumeMounts = []));
    expect(messages(checkSecurityContext(noTmp))).toEqual([
      expect.stringContaining('emptyDir mounted at /tmp'),
    ]);
    const tokenAccount = withResource(
      set,
      'ServiceAccount',
      (account) => void (account.automountServiceAccountToken = true),
    );
    expect(messages(checkSecurityContext(tokenAccount))).toEqual([
      expect.stringContaining('ServiceAccount/chatbox'),
    ]);
  });

  it('K2 requests and a memory limit; the V8 heap stays below the limit', () => {
    expect(checkResources(set)).toEqual([]);
    const heapTooBig = withContainer(set, (container) => {
      (container.env as Mutable[])[0]!.value = '--max-old-space-size=512';
    });
    expect(messages(checkResources(heapTooBig))).toEqual([
      expect.stringContaining('--max-old-space-size=512 is above 80 % of the 512Mi'),
    ]);
    const noLimit = withContainer(
      set,
      (container) => void (container.resources = { requests: { cpu: '250m' } }),
    );
    expect(messages(checkResources(noLimit))).toEqual([
      expect.stringContaining('requests.memory'),
      expect.stringContaining('limits.memory'),
    ]);
  });

  it('K3 the image is pinned to an exact version (and kustomize overrides stay pinned)', () => {
    expect(checkImages(set)).toEqual([]);
    for (const image of [
      'ghcr.io/chatbox/chatbox-server:latest',
      'ghcr.io/chatbox/chatbox-server',
      'ghcr.io/chatbox/chatbox-server:0.1',
    ]) {
      const floating = withContainer(set, (container) => void (container.image = image));
      expect(messages(checkImages(floating)).join('\n')).toContain('pin an exact version tag');
    }
    const latestOverride = {
      ...set,
      kustomization: {
        ...set.kustomization,
        images: [{ name: 'ghcr.io/chatbox/chatbox-server', newTag: 'latest' }],
      },
    };
    expect(messages(checkImages(latestOverride))).toEqual([
      expect.stringContaining('newTag latest is not an exact version'),
    ]);
  });

  it('K4 startup and readiness on /readyz, liveness on /healthz, liveness != readiness', () => {
    expect(checkProbes(set, context)).toEqual([]);
    const sameProbe = withContainer(
      set,
      (container) => void (container.livenessProbe = container.readinessProbe),
    );
    expect(messages(checkProbes(sameProbe, context))).toEqual([
      expect.stringContaining('livenessProbe must probe /healthz'),
    ]);
    const noStartup = withContainer(set, (container) => void delete container.startupProbe);
    expect(messages(checkProbes(noStartup, context))).toEqual([
      expect.stringContaining('startupProbe is missing'),
    ]);
  });

  it('K5 preStop sleep; terminationGracePeriodSeconds >= preStop + shutdown deadline + margin', () => {
    expect(checkShutdown(set, context)).toEqual([]);
    const tooShort = withContainer(
      set,
      (_container, pod) => void (pod.terminationGracePeriodSeconds = 29),
    );
    expect(messages(checkShutdown(tooShort, context))).toEqual([
      expect.stringContaining(
        'terminationGracePeriodSeconds 29 < preStop 5 + shutdown deadline 20 + margin 5 = 30',
      ),
    ]);
    expect(checkShutdown(set, { ...context, shutdownDeadlineMs: 60_000 })).toHaveLength(1);
    const noPreStop = withContainer(set, (container) => void delete container.lifecycle);
    expect(messages(checkShutdown(noPreStop, context))).toEqual([
      expect.stringContaining('preStop.sleep.seconds'),
    ]);
  });

  it('K6 an HPA (then no static replicas), a PDB with maxUnavailable 1, a topology spread', () => {
    expect(checkAvailability(set)).toEqual([]);
    const staticReplicas = withResource(
      set,
      'Deployment',
      (deployment) => void ((deployment.spec as Mutable).replicas = 3),
    );
    expect(messages(checkAvailability(staticReplicas))).toEqual([
      expect.stringContaining('must not set spec.replicas'),
    ]);
    expect(messages(checkAvailability(without(set, 'PodDisruptionBudget')))).toEqual([
      expect.stringContaining('no PodDisruptionBudget'),
    ]);
    expect(messages(checkAvailability(without(set, 'HorizontalPodAutoscaler')))).toEqual([
      expect.stringContaining('no HorizontalPodAutoscaler'),
    ]);
    const noSpread = withContainer(
      set,
      (_container, pod) => void delete pod.topologySpreadConstraints,
    );
    expect(messages(checkAvailability(noSpread))).toEqual([
      expect.stringContaining('topologySpreadConstraints'),
    ]);
  });

  it('K7 NetworkPolicy: ingress only to the app port, egress only DNS, MongoDB, Redis, HTTPS', () => {
    expect(checkNetworkPolicy(set, context)).toEqual([]);
    const openEgress = withResource(
      set,
      'NetworkPolicy',
      (policy) =>
        void ((policy.spec as Mutable).egress as Mutable[]).push({
          ports: [{ protocol: 'TCP', port: 5432 }],
        }),
    );
    expect(messages(checkNetworkPolicy(openEgress, context))).toEqual([
      expect.stringContaining('egress allows TCP/5432'),
    ]);
    const allPorts = withResource(
      set,
      'NetworkPolicy',
      (policy) => void ((policy.spec as Mutable).ingress = [{}]),
    );
    expect(messages(checkNetworkPolicy(allPorts, context)).join('\n')).toContain(
      'without ports allows every port',
    );
    expect(messages(checkNetworkPolicy(without(set, 'NetworkPolicy'), context))).toEqual([
      expect.stringContaining('no NetworkPolicy'),
    ]);
  });

  it('K8 no Secret with data, no literal secret env values, secrets only from chatbox-secrets', () => {
    expect(checkSecrets(set, context)).toEqual([]);
    const literal = withContainer(set, (container) => {
      (container.env as Mutable[])[1] = {
        name: 'CHATBOX_AUTH_JWT_SECRET',
        value: 'from-the-manifest',
      };
    });
    expect(messages(checkSecrets(literal, context))).toEqual([
      expect.stringContaining('CHATBOX_AUTH_JWT_SECRET must come from valueFrom.secretKeyRef'),
    ]);
    const committed = withExtra(set, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'chatbox-secrets' },
      stringData: { CHATBOX_LLM_API_KEY: 'x' },
    });
    expect(messages(checkSecrets(committed, context))).toEqual([
      expect.stringContaining('Secret/chatbox-secrets: a Secret with data must not be committed'),
    ]);
  });
});
