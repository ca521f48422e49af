import type { ManifestSet } from '../manifests.js';
import { get, str } from './access.js';
import { parseCpuQuantity, parseMemoryQuantity } from './quantity.js';
import type { Violation } from './types.js';
import type { Container } from './workload.js';
import { envOf, workloads } from './workload.js';

/**
 * The V8 heap may use at most this share of the memory limit: the rest is for buffers,
 * sockets, native code and the young generation, which --max-old-space-size does not cap.
 */
export const MAX_HEAP_SHARE_OF_LIMIT = 0.8;
const MIB = 2 ** 20;

function k2(resource: string, message: string): Violation {
  return { rule: 'K2', resource, message };
}

/** `--max-old-space-size` in MiB from a NODE_OPTIONS value, or undefined. */
export function maxOldSpaceMiB(nodeOptions: string): number | undefined {
  const match = /(?:^|\s)--max-old-space-size=(\d+)(?:\s|$)/.exec(nodeOptions);
  return match === null ? undefined : Number(match[1]);
}

function checkContainer(container: Container): Violation[] {
  const out: Violation[] = [];
  const where = container.where;
  const resources = get(container.spec, 'resources');
  if (parseCpuQuantity(get(resources, 'requests', 'cpu')) === undefined)
    out.push(k2(where, 'resources.requests.cpu must be set'));
  const request = parseMemoryQuantity(get(resources, 'requests', 'memory'));
  const limit = parseMemoryQuantity(get(resources, 'limits', 'memory'));
  if (request === undefined) out.push(k2(where, 'resources.requests.memory must be set'));
  if (limit === undefined) return [...out, k2(where, 'resources.limits.memory must be set')];
  if (request !== undefined && request > limit)
    out.push(k2(where, 'the memory request exceeds the limit'));
  const nodeOptions = envOf(container).find((env) => env.name === 'NODE_OPTIONS');
  const heap = maxOldSpaceMiB(str(nodeOptions?.entry.value) ?? '');
  if (heap === undefined)
    out.push(
      k2(
        where,
        'NODE_OPTIONS must set --max-old-space-size (V8 sizes its heap from the host, not the limit)',
      ),
    );
  else if (heap * MIB > limit * MAX_HEAP_SHARE_OF_LIMIT) {
    out.push(
      k2(
        where,
        `--max-old-space-size=${heap} is above ${MAX_HEAP_SHARE_OF_LIMIT * 100} % of the ${Math.round(limit / MIB)}Mi memory limit`,
      ),
    );
  }
  return out;
}

/** K2: CPU and memory requests, a memory limit, and a V8 heap cap below the limit. */
export function checkResources(set: ManifestSet): Violation[] {
  return workloads(set).flatMap((workload) => workload.containers.flatMap(checkContainer));
}
