export { DeployError, isDeployError } from './errors.js';
export type { DeployErrorCode, DeployErrorOptions } from './errors.js';
export { formatFinding } from './finding.js';
export type { Finding } from './finding.js';
export { DEFAULT_SCAN_IGNORE, runScan, scanForSecrets, scanText } from './scan.js';
export type { ScanOptions, ScanResult } from './scan.js';
export { fileTypeOf } from './scan-files.js';
export type { ScannedFileType } from './scan-files.js';
export {
  isReference,
  isSecretName,
  judgeSecretValue,
  judgeUrlCredentials,
} from './secret-rules.js';
export type { FindingRule, Verdict } from './secret-rules.js';
export { runScanCli, SCAN_USAGE } from './cli.js';
export type { ScanCliIo } from './cli.js';
export { parseEnvFile } from './env-file.js';
export type { EnvAssignment } from './env-file.js';
export { dockerVariables, execForm, parseDockerfile } from './dockerfile.js';
export type { DockerInstruction, DockerVariable } from './dockerfile.js';
export { checkDockerfile, MIN_IMAGE_UID } from './dockerfile-policy.js';
export type { DockerfilePolicyOptions } from './dockerfile-policy.js';
export { KUSTOMIZATION_FILE, loadManifests, resourceId, resourcesOfKind } from './manifests.js';
export type { KubeResource, LoadedResource, ManifestSet } from './manifests.js';
export { checkPolicies, formatViolation } from './policies.js';
export { checkSecurityContext, MIN_RUN_AS_ID } from './policy/security-context.js';
export { checkResources, MAX_HEAP_SHARE_OF_LIMIT, maxOldSpaceMiB } from './policy/resources.js';
export { parseCpuQuantity, parseMemoryQuantity } from './policy/quantity.js';
export {
  checkImages,
  imagePinProblem,
  isExactVersionTag,
  isValidDigest,
  parseImageReference,
} from './policy/image.js';
export type { ImageReference } from './policy/image.js';
export { checkProbes } from './policy/probes.js';
export { checkShutdown, MIN_SHUTDOWN_MARGIN_SECONDS } from './policy/shutdown.js';
export { checkAvailability, MIN_REPLICAS } from './policy/availability.js';
export { checkNetworkPolicy } from './policy/network.js';
export { checkSecrets } from './policy/secrets.js';
export {
  checkConfigWiring,
  deploymentContext,
  effectiveEnv,
  EXTRA_ENV_NAMES,
  LIVENESS_PATH,
  READINESS_PATH,
  SECRET_NAME,
  serverContainer,
} from './policy/config-wiring.js';
export type { EffectiveEnv } from './policy/config-wiring.js';
export { workloads } from './policy/workload.js';
export type { Container, Workload } from './policy/workload.js';
export { POLICY_RULES } from './policy/types.js';
export type { PolicyContext, PolicyRule, PortRule, Violation } from './policy/types.js';
export { editDistance, findUnknownFields } from './unknown-fields.js';
export type { FieldSchema, UnknownField } from './unknown-fields.js';
