import { CONFIG_SETTINGS, parseDuration } from '@chatbox/config';
import type { ConfigSetting } from '@chatbox/config';
import type { ManifestSet } from '../manifests.js';
import { resourceId, resourcesOfKind } from '../manifests.js';
import { arr, get, num, rec, str } from './access.js';
import type { PolicyContext, PortRule, Violation } from './types.js';
import type { Container } from './workload.js';
import { envOf, workloads } from './workload.js';

/** The server's probe routes (apps/server; the tests check they exist). */
export const READINESS_PATH = '/readyz';
export const LIVENESS_PATH = '/healthz';
/** The Secret the manifests reference and the README creates; never in the repo. */
export const SECRET_NAME = 'chatbox-secrets';
/** Environment variables the pod may set that are not chatbox settings. */
export const EXTRA_ENV_NAMES: readonly string[] = Object.freeze(['NODE_OPTIONS']);

// Default ports of the backends; their URIs live in the Secret, so the manifests cannot read them.
const DNS: readonly PortRule[] = [
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
];
const MONGODB: PortRule = { protocol: 'TCP', port: 27017 };
const REDIS: PortRule = { protocol: 'TCP', port: 6379 };
const HTTPS: PortRule = { protocol: 'TCP', port: 443 };

/** What one container's environment resolves to: ConfigMap values, literal env, Secret refs. */
export interface EffectiveEnv {
  readonly values: ReadonlyMap<string, string>;
  readonly fromSecret: ReadonlySet<string>;
  /** Names and where they came from: `ConfigMap/x`, `env`, `secretKeyRef`. */
  readonly sources: ReadonlyMap<string, string>;
}

export function effectiveEnv(set: ManifestSet, container: Container): EffectiveEnv {
  const values = new Map<string, string>();
  const sources = new Map<string, string>();
  const fromSecret = new Set<string>();
  for (const source of arr(container.spec.envFrom)) {
    const name = str(get(source, 'configMapRef', 'name'));
    const configMap = resourcesOfKind(set, 'ConfigMap').find(
      (candidate) => candidate.metadata.name === name,
    );
    for (const [key, value] of Object.entries(rec(configMap?.data) ?? {})) {
      values.set(key, String(value));
      sources.set(key, `ConfigMap/${name ?? '?'}`);
    }
  }
  // Later entries win over earlier ones and over envFrom, as in Kubernetes.
  for (const { name, entry } of envOf(container)) {
    const secret = rec(get(entry, 'valueFrom', 'secretKeyRef')) !== undefined;
    if (typeof entry.value === 'string') values.set(name, entry.value);
    else values.delete(name);
    if (secret) fromSecret.add(name);
    else fromSecret.delete(name);
    sources.set(name, secret ? 'secretKeyRef' : 'env');
  }
  return { values, fromSecret, sources };
}

function settingValue(
  env: EffectiveEnv,
  settings: readonly ConfigSetting[],
  name: string,
): string | undefined {
  return env.values.get(name) ?? settings.find((setting) => setting.env === name)?.default;
}

/** The first serving container of the set, whose environment the server runs with. */
export function serverContainer(set: ManifestSet): Container | undefined {
  return workloads(set)[0]?.mainContainers[0];
}

/** The PolicyContext the manifests must satisfy, from the config they configure. */
export function deploymentContext(
  set: ManifestSet,
  settings: readonly ConfigSetting[] = CONFIG_SETTINGS,
): PolicyContext {
  const container = serverContainer(set);
  const env: EffectiveEnv =
    container === undefined
      ? { values: new Map(), fromSecret: new Set(), sources: new Map() }
      : effectiveEnv(set, container);
  const value = (name: string): string | undefined => settingValue(env, settings, name);
  const requiredEgress = [...DNS];
  if (value('CHATBOX_STORAGE_BACKEND') === 'mongodb') requiredEgress.push(MONGODB);
  if (value('CHATBOX_RATE_LIMIT_BACKEND') === 'redis') requiredEgress.push(REDIS);
  if (value('CHATBOX_LLM_PROVIDER') === 'anthropic') requiredEgress.push(HTTPS);
  return {
    appPort: Number(value('CHATBOX_SERVER_PORT')),
    shutdownDeadlineMs: parseDuration(value('CHATBOX_SHUTDOWN_DEADLINE_MS') ?? '') ?? Number.NaN,
    readinessPath: READINESS_PATH,
    livenessPath: LIVENESS_PATH,
    requiredEgress,
    allowedEgress: [...DNS, MONGODB, REDIS, HTTPS],
    secretName: SECRET_NAME,
  };
}

function config(resource: string, message: string): Violation {
  return { rule: 'config', resource, message };
}

function checkNames(set: ManifestSet, settings: readonly ConfigSetting[]): Violation[] {
  const out: Violation[] = [];
  const known = new Set(settings.map((setting) => setting.env));
  const secret = new Set(
    settings.filter((setting) => setting.secret).map((setting) => setting.env),
  );
  for (const configMap of resourcesOfKind(set, 'ConfigMap')) {
    const id = resourceId(configMap);
    for (const key of Object.keys(rec(configMap.data) ?? {})) {
      if (!known.has(key)) out.push(config(id, `${key} is not a chatbox setting`));
      // Even when an env entry shadows it, the value sits in a ConfigMap: readable, and in git.
      if (secret.has(key))
        out.push(config(id, `${key} is secret and comes from ${id}, not secretKeyRef`));
    }
  }
  for (const workload of workloads(set)) {
    for (const container of workload.containers) {
      for (const { name } of envOf(container)) {
        if (!known.has(name) && !EXTRA_ENV_NAMES.includes(name))
          out.push(config(container.where, `env ${name} is not a chatbox setting`));
      }
      for (const source of arr(container.spec.envFrom)) {
        const name = str(get(source, 'configMapRef', 'name'));
        if (
          name !== undefined &&
          !resourcesOfKind(set, 'ConfigMap').some((candidate) => candidate.metadata.name === name)
        ) {
          out.push(
            config(container.where, `envFrom reads ConfigMap/${name}, which is not in the set`),
          );
        }
      }
    }
  }
  return out;
}

function checkProvided(
  container: Container,
  env: EffectiveEnv,
  settings: readonly ConfigSetting[],
): Violation[] {
  const out: Violation[] = [];
  for (const setting of settings) {
    const provided = env.values.has(setting.env) || env.fromSecret.has(setting.env);
    if (setting.requiredInProduction && !provided)
      out.push(
        config(container.where, `${setting.env} is required in production and is not provided`),
      );
    const source = env.sources.get(setting.env);
    if (setting.secret && source !== undefined && source !== 'secretKeyRef')
      out.push(
        config(
          container.where,
          `${setting.env} is secret and comes from ${source}, not secretKeyRef`,
        ),
      );
  }
  if (env.values.get('CHATBOX_ENV') !== 'production')
    out.push(config(container.where, 'CHATBOX_ENV must be production'));
  return out;
}

function checkPorts(set: ManifestSet, container: Container, appPort: number): Violation[] {
  const out: Violation[] = [];
  const ports = arr(container.spec.ports).map(rec);
  if (ports.length !== 1 || num(ports[0]?.containerPort) !== appPort)
    out.push(
      config(
        container.where,
        `must declare exactly one container port, the server port ${appPort}`,
      ),
    );
  for (const service of resourcesOfKind(set, 'Service')) {
    for (const port of arr(get(service, 'spec', 'ports')).map(rec)) {
      const target = port?.targetPort;
      const resolved =
        typeof target === 'string'
          ? num(ports.find((declared) => declared?.name === target)?.containerPort)
          : num(target ?? port?.port);
      if (resolved !== appPort)
        out.push(config(resourceId(service), `targetPort must reach the server port ${appPort}`));
    }
  }
  return out;
}

/**
 * Manifests ↔ config: every ConfigMap key and env name is a real setting (or NODE_OPTIONS);
 * every production-required setting is provided; secret settings come only from secretKeyRef;
 * the container and Service ports are the configured server port.
 */
export function checkConfigWiring(
  set: ManifestSet,
  settings: readonly ConfigSetting[] = CONFIG_SETTINGS,
): Violation[] {
  const container = serverContainer(set);
  if (container === undefined) return [config('(set)', 'no Deployment container found')];
  const env = effectiveEnv(set, container);
  const context = deploymentContext(set, settings);
  return [
    ...checkNames(set, settings),
    ...checkProvided(container, env, settings),
    ...checkPorts(set, container, context.appPort),
  ];
}
