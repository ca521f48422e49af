import { formatPath, type WireIssue } from './wire-issue.js';

const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Keys refused anywhere in a frame: the prototype-pollution keys, and `$`-prefixed keys, which
 * are MongoDB operators (S11: `{"$ne": null}` in an id must never reach a filter).
 */
export function isUnsafeKey(key: string): boolean {
  return PROTOTYPE_KEYS.has(key) || key.startsWith('$');
}

interface Node {
  readonly value: unknown;
  readonly key: string | number;
  readonly parent: Node | undefined;
}

function pathTo(node: Node): string {
  const segments: (string | number)[] = [];
  for (let at: Node | undefined = node; at?.parent !== undefined; at = at.parent)
    segments.push(at.key);
  return formatPath(segments.reverse());
}

/**
 * Walks a value produced by `JSON.parse` (plain objects, arrays, scalars) and reports every unsafe
 * key, up to `limit`. Iterative, and paths are built only for reported keys, so a deeply nested
 * frame costs O(nodes) time and memory rather than a stack overflow or O(depth²) path strings.
 */
export function findUnsafeKeys(value: unknown, limit: number): WireIssue[] {
  const issues: WireIssue[] = [];
  const stack: Node[] = [{ value, key: '', parent: undefined }];
  let node = stack.pop();
  while (node !== undefined && issues.length < limit) {
    const current = node.value;
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) {
        stack.push({ value: current[index] as unknown, key: index, parent: node });
      }
    } else if (typeof current === 'object' && current !== null) {
      const record = current as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const child: Node = { value: record[key], key, parent: node };
        if (isUnsafeKey(key)) {
          issues.push({ path: pathTo(child), message: 'forbidden key' });
          if (issues.length >= limit) break;
        } else {
          stack.push(child);
        }
      }
    }
    node = stack.pop();
  }
  return issues;
}
