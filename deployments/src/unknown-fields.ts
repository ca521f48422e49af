/**
 * The shape of a manifest as far as field names go, built lazily (Kubernetes types are
 * recursive). kubernetes-models validates types and required fields but lets unknown fields
 * through, and so does `kubectl apply` without --validate=strict: a misspelled
 * `readinessProbes` silently deploys a pod without a readiness probe (K9).
 */
export type FieldSchema =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'any' }
  | { readonly kind: 'array'; readonly items: () => FieldSchema }
  | { readonly kind: 'map'; readonly values: () => FieldSchema }
  | { readonly kind: 'object'; readonly fields: () => ReadonlyMap<string, () => FieldSchema> };

export interface UnknownField {
  /** `spec.template.spec.containers[0]`: where the unknown field sits. */
  readonly path: string;
  readonly field: string;
  /** The closest known field, when one is close enough to be a typo. */
  readonly suggestion?: string;
}

const MAX_SUGGESTION_DISTANCE = 3;

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current.push(
        Math.min(
          previous[j]! + 1,
          current[j - 1]! + 1,
          previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1),
        ),
      );
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** A close known field: a few edits away, or the same name with a part left off or added. */
function suggest(field: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = field.toLowerCase();
  for (const candidate of known) {
    const distance = editDistance(field, candidate);
    const other = candidate.toLowerCase();
    const close =
      distance <= MAX_SUGGESTION_DISTANCE || other.startsWith(lower) || lower.startsWith(other);
    if (close && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

/** Every field of `value` that `schema` does not know, depth first. */
export function findUnknownFields(value: unknown, schema: FieldSchema, path = ''): UnknownField[] {
  if (typeof value !== 'object' || value === null) return [];
  switch (schema.kind) {
    case 'scalar':
    case 'any':
      return [];
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, index) =>
            findUnknownFields(item, schema.items(), `${path}[${index}]`),
          )
        : [];
    case 'map':
      return Array.isArray(value)
        ? []
        : Object.entries(value).flatMap(([key, item]) =>
            findUnknownFields(item, schema.values(), join(path, key)),
          );
    case 'object': {
      if (Array.isArray(value)) return [];
      const fields = schema.fields();
      return Object.entries(value).flatMap(([key, item]) => {
        const child = fields.get(key);
        if (child !== undefined) return findUnknownFields(item, child(), join(path, key));
        const suggestion = suggest(key, fields.keys());
        return [{ path, field: key, ...(suggestion === undefined ? {} : { suggestion }) }];
      });
    }
  }
}
