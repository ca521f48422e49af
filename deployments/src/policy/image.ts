import type { ManifestSet } from '../manifests.js';
import { arr, rec, str } from './access.js';
import type { Violation } from './types.js';
import { workloads } from './workload.js';

export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `registry:5000/org/app:1.2.3@sha256:...` into repository, tag and digest. */
export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf('@');
  const named = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return {
    repository: hasTag ? named.slice(0, colon) : named,
    ...(hasTag ? { tag: named.slice(colon + 1) } : {}),
    ...(digest === undefined ? {} : { digest }),
  };
}

// An exact release: major.minor.patch with an optional variant (`0.1.0`, `20.20.2-bookworm-slim`).
// `20`, `20-slim`, `lts` and `latest` move under you.
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:[-+.][0-9A-Za-z.-]+)?$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isExactVersionTag(tag: string | undefined): boolean {
  return tag !== undefined && EXACT_VERSION.test(tag);
}

export function isValidDigest(digest: string | undefined): boolean {
  return digest !== undefined && DIGEST.test(digest);
}

/** Why `image` is not pinned, or undefined when it is (exact version tag, or a valid digest). */
export function imagePinProblem(image: string): string | undefined {
  const reference = parseImageReference(image);
  if (reference.digest !== undefined && !isValidDigest(reference.digest))
    return `${image}: the digest is not sha256:<64 hex>`;
  if (isValidDigest(reference.digest) || isExactVersionTag(reference.tag)) return undefined;
  return `${image}: pin an exact version tag (not ${reference.tag ?? 'a missing tag'}) or a digest`;
}

function k3(resource: string, message: string): Violation {
  return { rule: 'K3', resource, message };
}

function checkKustomizeImages(set: ManifestSet, repositories: ReadonlySet<string>): Violation[] {
  const out: Violation[] = [];
  for (const value of arr(set.kustomization.images)) {
    const entry = rec(value) ?? {};
    const name = str(entry.name) ?? '?';
    const where = `kustomization images ${name}`;
    if (!repositories.has(name))
      out.push(k3(where, 'names no container image of the set, so it changes nothing'));
    const tag = str(entry.newTag);
    if (tag !== undefined && !isExactVersionTag(tag))
      out.push(k3(where, `newTag ${tag} is not an exact version`));
    const digest = str(entry.digest);
    if (digest !== undefined && !isValidDigest(digest))
      out.push(k3(where, 'digest is not sha256:<64 hex>'));
  }
  return out;
}

/** K3: every container image, and every kustomize image override, is pinned. */
export function checkImages(set: ManifestSet): Violation[] {
  const repositories = new Set<string>();
  const out: Violation[] = [];
  for (const workload of workloads(set)) {
    for (const container of workload.containers) {
      const image = str(container.spec.image);
      if (image === undefined) {
        out.push(k3(container.where, 'image must be set'));
        continue;
      }
      repositories.add(parseImageReference(image).repository);
      const problem = imagePinProblem(image);
      if (problem !== undefined) out.push(k3(container.where, problem));
    }
  }
  return [...out, ...checkKustomizeImages(set, repositories)];
}
