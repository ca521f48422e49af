/** The Kubernetes rules of shared/spec/reliability.md (K9 is the schema check), in report order. */
export const POLICY_RULES = Object.freeze([
  'K1',
  'K2',
  'K3',
  'K4',
  'K5',
  'K6',
  'K7',
  'K8',
  'config',
  'dockerfile',
] as const);

export type PolicyRule = (typeof POLICY_RULES)[number];

/** A broken rule: which one, where, and why. */
export interface Violation {
  readonly rule: PolicyRule;
  /** `Deployment/chatbox`, `Deployment/chatbox container server`, `Dockerfile:12`. */
  readonly resource: string;
  readonly message: string;
}

export interface PortRule {
  readonly protocol: 'TCP' | 'UDP';
  readonly port: number;
}

/** What the manifests must agree with; derive it from the config with `deploymentContext`. */
export interface PolicyContext {
  /** The port the server listens on (CHATBOX_SERVER_PORT). */
  readonly appPort: number;
  /** The hard shutdown deadline (CHATBOX_SHUTDOWN_DEADLINE_MS). */
  readonly shutdownDeadlineMs: number;
  readonly readinessPath: string;
  readonly livenessPath: string;
  /** Egress the NetworkPolicy must allow (DNS and the backends the config uses). */
  readonly requiredEgress: readonly PortRule[];
  /** Egress it may allow; anything else is a violation. */
  readonly allowedEgress: readonly PortRule[];
  /** The Secret (created outside git) every secret setting must come from. */
  readonly secretName: string;
}
