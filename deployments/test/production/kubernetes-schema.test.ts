// K9: every manifest validates offline against the Kubernetes OpenAPI schemas (kubernetes-models
// v4) and carries no unknown field (which kubernetes-models, and kubectl without strict
// validation, let through).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { findUnknownFields, resourceId } from '../../src/index.js';
import type { KubeResource, ManifestSet } from '../../src/index.js';
import { createKubeSchemas } from '../support/kube-schema.js';
import type { KubeSchemas } from '../support/kube-schema.js';
import { loadRepoManifests, withContainer } from '../support/manifests.js';

interface Validatable {
  validate(): void;
}
const MODELS: Readonly<Record<string, new (data: never) => Validatable>> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};
const KINDS = Object.keys(MODELS).map((key) => {
  const slash = key.lastIndexOf('/');
  return { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1) };
});

function validationError(resource: KubeResource): string | undefined {
  const Model = MODELS[`${resource.apiVersion}/${resource.kind}`];
  if (Model === undefined) return `${resource.apiVersion} ${resource.kind} has no model`;
  try {
    new Model(resource as never).validate();
    return undefined;
  } catch (error) {
    return String(error);
  }
}

let set: ManifestSet;
let schemas: KubeSchemas;

beforeAll(async () => {
  set = await loadRepoManifests();
  schemas = createKubeSchemas(KINDS);
});

function unknownFields(resource: KubeResource): string[] {
  return findUnknownFields(resource, schemas.schemaFor(resource.apiVersion, resource.kind)).map(
    (unknown) =>
      `${resourceId(resource)} ${unknown.path}: ${unknown.field}${unknown.suggestion === undefined ? '' : ` (did you mean ${unknown.suggestion}?)`}`,
  );
}

describe('K9 manifests validate offline and have no unknown fields', () => {
  it('every resource validates against its kubernetes-models schema', () => {
    expect(
      set.resources
        .map((loaded) => validationError(loaded.resource))
        .filter((error) => error !== undefined),
    ).toEqual([]);
  });

  it('schema validation catches a wrong type and a missing required field', () => {
    const wrongType = withContainer(
      set,
      (container) => void (container.ports = [{ name: 'http', containerPort: 'eighty' }]),
    );
    const missing = withContainer(set, (container) => void delete container.name);
    for (const broken of [wrongType, missing]) {
      const deployment = broken.resources.find(
        (loaded) => loaded.resource.kind === 'Deployment',
      )!.resource;
      expect(validationError(deployment)).toBeDefined();
    }
  });

  it('no resource has a field its schema does not know', () => {
    expect(set.resources.flatMap((loaded) => unknownFields(loaded.resource))).toEqual([]);
  });

  it('a misspelled field passes kubernetes-models but is caught, with a suggestion', () => {
    const misspelled = withContainer(set, (container, pod) => {
      container.readinessProbes = container.readinessProbe;
      delete container.readinessProbe;
      pod.terminationGracePeriod = 35;
    });
    const deployment = misspelled.resources.find(
      (loaded) => loaded.resource.kind === 'Deployment',
    )!.resource;
    // The gap this check fills: the schema validator accepts it.
    expect(validationError(deployment)).toBeUndefined();
    expect(unknownFields(deployment)).toEqual([
      'Deployment/chatbox spec.template.spec.containers[0]: readinessProbes (did you mean readinessProbe?)',
      'Deployment/chatbox spec.template.spec: terminationGracePeriod (did you mean terminationGracePeriodSeconds?)',
    ]);
  });
});
