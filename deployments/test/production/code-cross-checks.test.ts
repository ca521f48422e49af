// The manifests agree with the code they deploy: routes of apps/server, settings of
// @chatbox/config (names, defaults, required and secret flags), the shutdown deadline and the
// ports the config uses. Expected values are computed here from the code, not from src/.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CONFIG_SETTINGS, loadConfig, parseDuration } from '@chatbox/config';
import type { Config } from '@chatbox/config';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ISecretKeySelector } from 'kubernetes-models/v1/SecretKeySelector';
import type { IService } from 'kubernetes-models/v1/Service';
import {
  checkConfigWiring,
  checkNetworkPolicy,
  deploymentContext,
  effectiveEnv,
  formatViolation,
  serverContainer,
} from '../../src/index.js';
import type { ManifestSet } from '../../src/index.js';
import { loadRepoManifests, withContainer, withResource } from '../support/manifests.js';

/** What this test needs of the Fastify app apps/server builds. */
interface ServerApp {
  hasRoute(route: { method: string; url: string }): boolean;
  listen(options: { host: string; port: number }): Promise<string>;
  close(): Promise<void>;
}
interface ServerModule {
  buildApp(config: Config): Promise<ServerApp>;
}

// Imported by name at run time: the test needs the built routes, while deployments' typecheck
// stays independent of apps/server's sources (its own typecheck covers them).
const SERVER_PACKAGE = '@chatbox/server';

type Mutable = Record<string, unknown>;
let set: ManifestSet;
let app: ServerApp;
let baseUrl: string;

function resource<T>(kind: string): T {
  return set.resources.find((loaded) => loaded.resource.kind === kind)!.resource as unknown as T;
}
function deployment(): IDeployment {
  return resource<IDeployment>('Deployment');
}
function container(): IContainer {
  return deployment().spec!.template.spec!.containers[0]!;
}
function configData(): Record<string, string> {
  return resource<IConfigMap>('ConfigMap').data!;
}
function setting(env: string): (typeof CONFIG_SETTINGS)[number] {
  const found = CONFIG_SETTINGS.find((candidate) => candidate.env === env);
  if (found === undefined) throw new Error(`${env} is not a setting`);
  return found;
}
/** The value the pod runs with: the ConfigMap's, else the setting's documented default. */
function effective(env: string): string {
  return configData()[env] ?? setting(env).default!;
}
function secretRefs(): Map<string, ISecretKeySelector> {
  return new Map(
    container().env!.flatMap((entry) =>
      entry.valueFrom?.secretKeyRef === undefined
        ? []
        : [[entry.name, entry.valueFrom.secretKeyRef] as const],
    ),
  );
}

beforeAll(async () => {
  set = await loadRepoManifests();
  const server = (await import(SERVER_PACKAGE)) as ServerModule;
  app = await server.buildApp(
    loadConfig({ CHATBOX_LOG_LEVEL: 'silent', CHATBOX_LLM_PROVIDER: 'demo' }),
  );
  const address = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
  baseUrl = address.origin;
});

afterAll(async () => {
  await app.close();
});

describe('manifests ↔ apps/server and @chatbox/config', () => {
  it('every probe path, and the metrics path the pod advertises, is a GET route of apps/server', () => {
    const probes = [
      container().startupProbe,
      container().readinessProbe,
      container().livenessProbe,
    ].map((probe) => probe!.httpGet!.path!);
    expect(probes).toEqual(['/readyz', '/readyz', '/healthz']);
    const metricsPath = deployment().spec!.template.metadata!.annotations!['prometheus.io/path']!;
    for (const path of [...probes, metricsPath])
      expect(app.hasRoute({ method: 'GET', url: path })).toBe(true);
    // The check could fail: a path the server does not serve is refused.
    expect(app.hasRoute({ method: 'GET', url: '/health' })).toBe(false);
  });

  it('liveness answers without dependencies; readiness reports the lifecycle (a real request to each)', async () => {
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${baseUrl}/readyz`);
    expect([200, 503]).toContain(ready.status);
    expect(await ready.json()).toHaveProperty('ready');
  });

  it("the container port is the config's default port, and the Service and NetworkPolicy reach it", () => {
    const port = Number(setting('CHATBOX_SERVER_PORT').default);
    expect(port).toBe(8080);
    expect(container().ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
    expect(Number(effective('CHATBOX_SERVER_PORT'))).toBe(port);
    expect(resource<IService>('Service').spec!.ports![0]!.targetPort).toBe('http');
    expect(resource<INetworkPolicy>('NetworkPolicy').spec!.ingress).toEqual([
      { ports: [{ protocol: 'TCP', port }] },
    ]);
    expect(effective('CHATBOX_SERVER_HOST')).toBe('0.0.0.0');
  });

  it('every ConfigMap key and env name is a real setting (or NODE_OPTIONS); a typo is caught', () => {
    const known = new Set(CONFIG_SETTINGS.map((candidate) => candidate.env));
    const names = [...Object.keys(configData()), ...container().env!.map((entry) => entry.name)];
    expect(names.filter((name) => !known.has(name) && name !== 'NODE_OPTIONS')).toEqual([]);
    expect(checkConfigWiring(set)).toEqual([]);
    const typo = withResource(
      set,
      'ConfigMap',
      (configMap) => void ((configMap.data as Mutable).CHATBOX_SERVER_PROT = '8080'),
    );
    expect(checkConfigWiring(typo).map(formatViolation)).toEqual([
      expect.stringContaining('CHATBOX_SERVER_PROT is not a chatbox setting'),
    ]);
  });

  it('every setting required in production is provided by the ConfigMap or a secretKeyRef', () => {
    const provided = new Set([...Object.keys(configData()), ...secretRefs().keys()]);
    const required = CONFIG_SETTINGS.filter((candidate) => candidate.requiredInProduction).map(
      (candidate) => candidate.env,
    );
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((env) => !provided.has(env))).toEqual([]);
    const missing = withResource(
      set,
      'ConfigMap',
      (configMap) => void delete (configMap.data as Mutable).CHATBOX_WEBSOCKET_ALLOWED_ORIGINS,
    );
    expect(checkConfigWiring(missing).map(formatViolation)).toEqual([
      expect.stringContaining('CHATBOX_WEBSOCKET_ALLOWED_ORIGINS is required in production'),
    ]);
  });

  it('secret settings come only through secretKeyRef to chatbox-secrets, under their own names', () => {
    const secrets = CONFIG_SETTINGS.filter((candidate) => candidate.secret).map(
      (candidate) => candidate.env,
    );
    expect(secrets).toEqual(
      expect.arrayContaining([
        'CHATBOX_AUTH_JWT_SECRET',
        'CHATBOX_LLM_API_KEY',
        'CHATBOX_STORAGE_MONGODB_URI',
        'CHATBOX_RATE_LIMIT_REDIS_URL',
      ]),
    );
    const refs = secretRefs();
    for (const env of secrets) expect(refs.get(env)).toEqual({ name: 'chatbox-secrets', key: env });
    expect(Object.keys(configData()).filter((key) => secrets.includes(key))).toEqual([]);
    const inConfigMap = withResource(
      set,
      'ConfigMap',
      (configMap) =>
        void ((configMap.data as Mutable).CHATBOX_STORAGE_MONGODB_URI = 'mongodb://mongo:27017'),
    );
    expect(checkConfigWiring(inConfigMap).map(formatViolation).join('\n')).toContain(
      'CHATBOX_STORAGE_MONGODB_URI is secret and comes from ConfigMap/chatbox-config',
    );
  });

  it('the pod environment plus generated secrets is a valid production config, with the manifest port and deadline', () => {
    const env = effectiveEnv(set, serverContainer(set)!);
    const secrets: Record<string, string> = {
      CHATBOX_AUTH_JWT_SECRET: randomBytes(48).toString('base64'),
      CHATBOX_LLM_API_KEY: `sk-ant-${randomBytes(48).toString('base64url')}`,
      CHATBOX_STORAGE_MONGODB_URI: `mongodb://chatbox:${randomBytes(24).toString('base64url')}@mongo-0.mongo:27017,mongo-1.mongo:27017/chatbox?replicaSet=rs0`,
      CHATBOX_RATE_LIMIT_REDIS_URL: `redis://:${randomBytes(24).toString('base64url')}@redis:6379`,
    };
    expect([...env.fromSecret].sort()).toEqual(Object.keys(secrets).sort());
    const config = loadConfig({ ...Object.fromEntries(env.values), ...secrets });
    expect(config.env).toBe('production');
    expect(config.server.port).toBe(container().ports![0]!.containerPort);
    expect(config.storage.backend).toBe('mongodb');
    expect(config.rateLimit.backend).toBe('redis');
    expect(config.shutdown.deadlineMs).toBe(deploymentContext(set).shutdownDeadlineMs);
  });

  it('terminationGracePeriodSeconds >= preStop + the configured shutdown deadline + margin', () => {
    const deadlineSeconds = Math.ceil(
      parseDuration(effective('CHATBOX_SHUTDOWN_DEADLINE_MS'))! / 1000,
    );
    const preStop = container().lifecycle!.preStop!.sleep!.seconds;
    const grace = deployment().spec!.template.spec!.terminationGracePeriodSeconds!;
    expect(preStop).toBeGreaterThan(0);
    expect(grace).toBeGreaterThanOrEqual(preStop + deadlineSeconds + 5);
    // The drain the server does before its deadline fits as well.
    expect(parseDuration(effective('CHATBOX_SHUTDOWN_DRAIN_MS'))!).toBeLessThan(
      parseDuration(effective('CHATBOX_SHUTDOWN_DEADLINE_MS'))!,
    );
  });

  it('the NetworkPolicy allows exactly the ports the config uses', () => {
    const egress = new Set(
      resource<INetworkPolicy>('NetworkPolicy').spec!.egress!.flatMap((rule) =>
        rule.ports!.map((port) => `${port.protocol!}/${String(port.port)}`),
      ),
    );
    const expected = new Set(['UDP/53', 'TCP/53']);
    if (effective('CHATBOX_STORAGE_BACKEND') === 'mongodb') expected.add('TCP/27017');
    if (effective('CHATBOX_RATE_LIMIT_BACKEND') === 'redis') expected.add('TCP/6379');
    if (effective('CHATBOX_LLM_PROVIDER') === 'anthropic') expected.add('TCP/443');
    expect([...egress].sort()).toEqual([...expected].sort());
    // Moving the server port without the policy is caught.
    const moved = withContainer(
      set,
      (moving) => void ((moving.ports as Mutable[])[0]!.containerPort = 9090),
    );
    const movedConfig = withResource(
      moved,
      'ConfigMap',
      (configMap) => void ((configMap.data as Mutable).CHATBOX_SERVER_PORT = '9090'),
    );
    expect(
      checkNetworkPolicy(movedConfig, deploymentContext(movedConfig)).map(formatViolation),
    ).toEqual(
      expect.arrayContaining([expect.stringContaining('ingress must allow the app port TCP/9090')]),
    );
  });
});
