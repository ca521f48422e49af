import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { DeployError } from './errors.js';

export interface KubeResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

export interface LoadedResource {
  /** Path of the file the resource came from. */
  readonly file: string;
  readonly resource: KubeResource;
}

export interface ManifestSet {
  readonly dir: string;
  readonly kustomization: Readonly<Record<string, unknown>>;
  readonly resources: readonly LoadedResource[];
}

export const KUSTOMIZATION_FILE = 'kustomization.yaml';

function invalid(message: string, cause?: unknown): DeployError {
  return new DeployError('ERR_DEPLOY_MANIFEST_INVALID', message, { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

async function parseYamlFile(path: string): Promise<unknown[]> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw invalid(`cannot read ${path}`, cause);
  });
  try {
    return yaml.loadAll(text).filter((document) => document !== null && document !== undefined);
  } catch (cause) {
    throw invalid(`${path} is not valid YAML`, cause);
  }
}

function asResource(document: unknown, file: string): KubeResource {
  const metadata = isRecord(document) ? document.metadata : undefined;
  if (
    !isRecord(document) ||
    typeof document.apiVersion !== 'string' ||
    typeof document.kind !== 'string' ||
    !isRecord(metadata) ||
    typeof metadata.name !== 'string'
  ) {
    throw invalid(`${file}: every document needs apiVersion, kind and metadata.name`);
  }
  return document as unknown as KubeResource;
}

/**
 * The resources of a kustomize directory, as `kubectl apply -k` would read them (without
 * kustomize's transformations). Every YAML file in the directory must be listed in
 * `resources`, so no manifest lies around unapplied; kind/name pairs must be unique.
 */
export async function loadManifests(dir: string): Promise<ManifestSet> {
  const [kustomization] = await parseYamlFile(join(dir, KUSTOMIZATION_FILE));
  const listed = isRecord(kustomization) ? kustomization.resources : undefined;
  if (!isRecord(kustomization) || !isStringArray(listed)) {
    throw invalid(`${join(dir, KUSTOMIZATION_FILE)} needs a resources list of file names`);
  }
  const yamlFiles = (await readdir(dir)).filter(
    (name) => /\.ya?ml$/.test(name) && name !== KUSTOMIZATION_FILE,
  );
  const unlisted = yamlFiles.filter((name) => !listed.includes(name));
  if (unlisted.length > 0)
    throw invalid(`${dir}: not listed in ${KUSTOMIZATION_FILE} resources: ${unlisted.join(', ')}`);

  const resources: LoadedResource[] = [];
  const seen = new Set<string>();
  for (const name of listed) {
    const file = join(dir, name);
    for (const document of await parseYamlFile(file)) {
      const resource = asResource(document, file);
      const id = `${resource.kind}/${resource.metadata.name}`;
      if (seen.has(id)) throw invalid(`${file}: ${id} is defined twice`);
      seen.add(id);
      resources.push({ file, resource });
    }
  }
  return { dir, kustomization, resources };
}

export function resourcesOfKind(set: ManifestSet, kind: string): KubeResource[] {
  return set.resources
    .filter((loaded) => loaded.resource.kind === kind)
    .map((loaded) => loaded.resource);
}

export function resourceId(resource: KubeResource): string {
  return `${resource.kind}/${resource.metadata.name}`;
}
