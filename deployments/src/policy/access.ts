// Narrowing helpers for manifests parsed from YAML (plain unknown data).

export type Json = Readonly<Record<string, unknown>>;

export function rec(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

export function arr(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The value at `path` below `value`, or undefined when any step is missing. */
export function get(value: unknown, ...path: readonly (string | number)[]): unknown {
  let node = value;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** Whether every label of `selector` is carried, with the same value, by `labels`. */
export function selects(selector: unknown, labels: unknown): boolean {
  const wanted = rec(selector);
  const have = rec(labels);
  if (wanted === undefined || have === undefined || Object.keys(wanted).length === 0) return false;
  return Object.entries(wanted).every(([key, value]) => have[key] === value);
}
