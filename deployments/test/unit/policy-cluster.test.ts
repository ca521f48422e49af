import { beforeAll, describe, expect, it } from '@jest/globals';
import type { ManifestSet } from '../../src/manifests.js';
import { checkPolicies } from '../../src/policies.js';
import { checkAvailability } from '../../src/policy/availability.js';
import { checkConfigWiring, deploymentContext } from '../../src/policy/config-wiring.js';
import { checkImages } from '../../src/policy/image.js';
import { checkNetworkPolicy } from '../../src/policy/network.js';
import { checkSecrets } from '../../src/policy/secrets.js';
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

function spec(resource: Mutable): Mutable {
  return resource.spec as Mutable;
}

describe('K3 images', () => {
  it('accepts a digest, refuses a missing image, dead or malformed kustomize overrides', () => {
    const digest = withContainer(
      set,
      (container) =>
        void (container.image = `ghcr.io/chatbox/chatbox-server@sha256:${'0'.repeat(64)}`),
    );
    expect(checkImages(digest)).toEqual([]);
    const missing = withContainer(set, (container) => void delete container.image);
    expect(texts(checkImages(missing))).toEqual([
      'Deployment/chatbox container server: image must be set',
      expect.stringContaining('names no container image'),
    ]);
    const badDigest = {
      ...set,
      kustomization: {
        images: [{ name: 'ghcr.io/chatbox/chatbox-server', digest: 'sha256:short' }, {}],
      },
    };
    expect(texts(checkImages(badDigest))).toEqual([
      'kustomization images ghcr.io/chatbox/chatbox-server: digest is not sha256:<64 hex>',
      'kustomization images ?: names no container image of the set, so it changes nothing',
    ]);
  });
});

describe('K6 availability', () => {
  it('checks the HPA itself', () => {
    const weak = withResource(set, 'HorizontalPodAutoscaler', (hpa) => {
      hpa.apiVersion = 'autoscaling/v1';
      spec(hpa).scaleTargetRef = {
        kind: 'Deployment',
        name: 'chatbox',
        apiVersion: 'extensions/v1beta1',
      };
      spec(hpa).minReplicas = 3;
      spec(hpa).maxReplicas = 2;
      delete spec(hpa).metrics;
    });
    expect(texts(checkAvailability(weak)).map((line) => line.split(': ')[1])).toEqual([
      'must use autoscaling/v2',
      'scaleTargetRef.apiVersion must be apps/v1',
      'maxReplicas must be >= minReplicas',
      'needs at least one metric',
    ]);
    const single = withResource(
      set,
      'HorizontalPodAutoscaler',
      (hpa) => void delete spec(hpa).minReplicas,
    );
    expect(texts(checkAvailability(single))).toEqual([
      'HorizontalPodAutoscaler/chatbox: minReplicas must be >= 2',
    ]);
  });

  it('checks the PDB and every spread constraint', () => {
    const pdb = withResource(set, 'PodDisruptionBudget', (budget) => {
      budget.apiVersion = 'policy/v1beta1';
      spec(budget).maxUnavailable = '50%';
      spec(budget).minAvailable = 1;
    });
    expect(texts(checkAvailability(pdb)).map((line) => line.split(': ')[1])).toEqual([
      'must use policy/v1',
      'maxUnavailable must be 1',
      'must not also set minAvailable',
    ]);
    const spread = withContainer(
      set,
      (_container, pod) =>
        void (pod.topologySpreadConstraints = [
          { topologyKey: 'rack', maxSkew: 0, labelSelector: { matchLabels: { app: 'other' } } },
        ]),
    );
    expect(texts(checkAvailability(spread)).map((line) => line.split(': ')[1])).toEqual([
      'topology spread on rack must select the pods',
      'topology spread on rack needs maxSkew >= 1',
      'spread over kubernetes.io/hostname or topology.kubernetes.io/zone',
    ]);
  });
});

describe('K7 network policy', () => {
  it('wants default deny both ways and resolves named ports', () => {
    const named = withResource(set, 'NetworkPolicy', (policy) => {
      spec(policy).policyTypes = ['Ingress'];
      spec(policy).ingress = [{ ports: [{ port: 'http' }] }];
    });
    expect(texts(checkNetworkPolicy(named, context))).toEqual([
      'NetworkPolicy/chatbox: policyTypes must list Ingress and Egress (default deny both ways)',
    ]);
  });

  it('refuses other protocols, port ranges, unknown names, other ingress ports and missing egress', () => {
    const broken = withResource(set, 'NetworkPolicy', (policy) => {
      spec(policy).ingress = [
        { ports: [{ port: 9090 }, { protocol: 'SCTP', port: 8080 }, { port: 'metrics' }] },
      ];
      spec(policy).egress = [
        {
          ports: [
            { protocol: 'TCP', port: 443, endPort: 450 },
            { protocol: 'UDP', port: 53 },
          ],
        },
      ];
    });
    expect(
      texts(checkNetworkPolicy(broken, context)).map((line) =>
        line.split(': ').slice(1).join(': '),
      ),
    ).toEqual([
      'ingress: protocol SCTP is not allowed',
      'ingress: every rule must name its port (a rule without one allows all ports)',
      'egress: port ranges (endPort) are not allowed',
      'ingress allows TCP/9090; only the app port TCP/8080 may be open',
      'ingress must allow the app port TCP/8080',
      'egress must allow TCP/53',
      'egress must allow TCP/27017',
      'egress must allow TCP/6379',
      'egress must allow TCP/443',
    ]);
  });
});

describe('K8 secrets', () => {
  it('refuses secret keys in a ConfigMap, another Secret, and envFrom of another Secret', () => {
    const broken = withContainer(
      withResource(
        set,
        'ConfigMap',
        (configMap) => void ((configMap.data as Mutable).API_TOKEN = 'x'),
      ),
      (container) => {
        (container.env as Mutable[])[1] = {
          name: 'CHATBOX_AUTH_JWT_SECRET',
          valueFrom: { secretKeyRef: { name: 'other', key: 'jwt' } },
        };
        container.envFrom = [
          ...(container.envFrom as Mutable[]),
          { secretRef: { name: 'other' } },
          { secretRef: { name: 'chatbox-secrets' } },
        ];
      },
    );
    expect(texts(checkSecrets(broken, context)).map((line) => line.split(': ')[1])).toEqual([
      'API_TOKEN is a secret and must come from the Secret chatbox-secrets',
      'CHATBOX_AUTH_JWT_SECRET must come from the Secret chatbox-secrets',
      'envFrom may only read the Secret chatbox-secrets',
    ]);
  });
});

describe('config wiring', () => {
  it('needs a container, a known ConfigMap, production mode, real setting names, and literal-free secrets', () => {
    expect(texts(checkConfigWiring(without(set, 'Deployment')))).toEqual([
      '(set): no Deployment container found',
    ]);
    const broken = withContainer(
      withResource(
        set,
        'ConfigMap',
        (configMap) => void ((configMap.data as Mutable).CHATBOX_ENV = 'development'),
      ),
      (container) => {
        container.envFrom = [
          ...(container.envFrom as Mutable[]),
          { configMapRef: { name: 'missing' } },
        ];
        (container.env as Mutable[]).push(
          { name: 'DEBUG', value: '1' },
          { name: 'CHATBOX_LLM_API_KEY', value: 'x' },
          { value: 'nameless' },
        );
      },
    );
    expect(texts(checkConfigWiring(broken)).map((line) => line.split(': ')[1])).toEqual([
      'env DEBUG is not a chatbox setting',
      'envFrom reads ConfigMap/missing, which is not in the set',
      'CHATBOX_LLM_API_KEY is secret and comes from env, not secretKeyRef',
      'CHATBOX_ENV must be production',
    ]);
  });

  it('wants exactly the server port on the container, reached by every Service port', () => {
    const ports = withContainer(
      set,
      (container) =>
        void (container.ports = [
          { name: 'http', containerPort: 8080 },
          { name: 'debug', containerPort: 9229 },
        ]),
    );
    expect(texts(checkConfigWiring(ports))).toEqual([
      'Deployment/chatbox container server: must declare exactly one container port, the server port 8080',
    ]);
    const service = withResource(
      set,
      'Service',
      (svc) => void (spec(svc).ports = [{ port: 8080 }, { port: 80, targetPort: 9090 }]),
    );
    expect(texts(checkConfigWiring(service))).toEqual([
      'Service/chatbox: targetPort must reach the server port 8080',
    ]);
  });

  it('derives the context from defaults when the ConfigMap leaves settings out', () => {
    const minimal = withResource(
      set,
      'ConfigMap',
      (configMap) => void (configMap.data = { CHATBOX_ENV: 'production' }),
    );
    const derived = deploymentContext(minimal);
    expect(derived.appPort).toBe(8080);
    expect(derived.shutdownDeadlineMs).toBe(20_000);
    // memory storage and limiter by default: only DNS and the Anthropic API are needed.
    expect(derived.requiredEgress.map((rule) => `${rule.protocol}/${rule.port}`)).toEqual([
      'UDP/53',
      'TCP/53',
      'TCP/443',
    ]);
    expect(deploymentContext(without(set, 'Deployment')).appPort).toBe(8080);
    const malformed = withResource(
      set,
      'ConfigMap',
      (configMap) => void ((configMap.data as Mutable).CHATBOX_SHUTDOWN_DEADLINE_MS = 'soon'),
    );
    expect(deploymentContext(malformed).shutdownDeadlineMs).toBeNaN();
    expect(checkPolicies(malformed).map((violation) => violation.rule)).toEqual(['K5']);
  });

  it('orders violations of every rule by rule', () => {
    const broken = withContainer(set, (container, pod) => {
      delete pod.topologySpreadConstraints;
      delete container.startupProbe;
      (container.securityContext as Mutable).readOnlyRootFilesystem = false;
    });
    expect(checkPolicies(broken).map((violation) => violation.rule)).toEqual(['K1', 'K4', 'K6']);
  });
});
