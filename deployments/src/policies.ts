import type { ManifestSet } from './manifests.js';
import { checkAvailability } from './policy/availability.js';
import { checkConfigWiring, deploymentContext } from './policy/config-wiring.js';
import { checkImages } from './policy/image.js';
import { checkNetworkPolicy } from './policy/network.js';
import { checkProbes } from './policy/probes.js';
import { checkResources } from './policy/resources.js';
import { checkSecrets } from './policy/secrets.js';
import { checkSecurityContext } from './policy/security-context.js';
import { checkShutdown } from './policy/shutdown.js';
import { POLICY_RULES } from './policy/types.js';
import type { PolicyContext, Violation } from './policy/types.js';

/**
 * K1–K8 and the config cross-check over one manifest set, ordered by rule (K9, the schemas,
 * needs kubernetes-models: see the tests).
 */
export function checkPolicies(
  set: ManifestSet,
  context: PolicyContext = deploymentContext(set),
): Violation[] {
  const violations = [
    ...checkSecurityContext(set),
    ...checkResources(set),
    ...checkImages(set),
    ...checkProbes(set, context),
    ...checkShutdown(set, context),
    ...checkAvailability(set),
    ...checkNetworkPolicy(set, context),
    ...checkSecrets(set, context),
    ...checkConfigWiring(set),
  ];
  return violations.sort((a, b) => POLICY_RULES.indexOf(a.rule) - POLICY_RULES.indexOf(b.rule));
}

export function formatViolation(violation: Violation): string {
  return `${violation.rule} ${violation.resource}: ${violation.message}`;
}
