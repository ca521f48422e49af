import * as v from 'valibot';
import { parseJson } from './json-text.js';
import { findUnsafeKeys } from './unsafe-keys.js';
import { formatPath, MAX_REPORTED_ISSUES, toWireIssues, type WireIssue } from './wire-issue.js';

export type FrameCheckCode = 'bad_json' | 'bad_frame' | 'unsupported_frame';

export type FrameCheck<TFrame> =
  | { readonly ok: true; readonly frame: TFrame }
  | {
      readonly ok: false;
      readonly code: FrameCheckCode;
      readonly issues: WireIssue[];
      /** The schema's own issues, when the schema ran; empty otherwise. */
      readonly schemaIssues: readonly v.BaseIssue<unknown>[];
    };

/** Frame type → the keys its schema allows. */
export type FrameKeys = ReadonlyMap<string, ReadonlySet<string>>;

interface FrameOption {
  readonly entries: { readonly type: { readonly literal: string } };
}

/** Reads the allowed keys of each frame type from a `variant('type', [strictObject, …])` schema. */
export function frameKeysOf(options: readonly FrameOption[]): FrameKeys {
  return new Map(
    options.map((option) => [option.entries.type.literal, new Set(Object.keys(option.entries))]),
  );
}

function refuse(code: FrameCheckCode, issues: WireIssue[]): FrameCheck<never> {
  return { ok: false, code, issues, schemaIssues: [] };
}

function typeOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)['type'];
}

function isTopLevelUnknownKey(issue: v.BaseIssue<unknown>): boolean {
  return issue.type === 'strict_object' && issue.expected === 'never' && issue.path?.length === 1;
}

/**
 * Valibot's strict object stops at the first unknown key; the client is told about all of them.
 */
function withEveryUnknownKey(
  value: unknown,
  allowed: ReadonlySet<string> | undefined,
  issues: readonly v.BaseIssue<unknown>[],
): WireIssue[] {
  if (allowed === undefined) return toWireIssues(issues);
  const unknown = Object.keys(value as Record<string, unknown>).filter((key) => !allowed.has(key));
  const extra = unknown.map((key) => ({ path: formatPath([key]), message: 'unknown key' }));
  return [...toWireIssues(issues.filter((issue) => !isTopLevelUnknownKey(issue))), ...extra].slice(
    0,
    MAX_REPORTED_ISSUES,
  );
}

/**
 * Frame text → frame, in the order S7 asks for: `JSON.parse` without throwing; unsafe keys refused
 * before any object is built from the input; a string `type` the protocol does not know is
 * `unsupported_frame` (so old servers can tell new frame kinds from garbage); then the strict
 * schema, which reports every issue rather than the first.
 */
export function checkFrame<const TSchema extends v.GenericSchema>(
  text: string,
  schema: TSchema,
  keys: FrameKeys,
): FrameCheck<v.InferOutput<TSchema>> {
  const parsed = parseJson(text);
  if (!parsed.ok) return refuse('bad_json', [{ path: '', message: 'not valid JSON' }]);
  const unsafe = findUnsafeKeys(parsed.value, MAX_REPORTED_ISSUES);
  if (unsafe.length > 0) return refuse('bad_frame', unsafe);
  const type = typeOf(parsed.value);
  if (typeof type === 'string' && !keys.has(type)) {
    return refuse('unsupported_frame', [
      { path: 'type', message: 'not a frame type of this protocol' },
    ]);
  }
  const result = v.safeParse(schema, parsed.value);
  if (result.success) return { ok: true, frame: result.output };
  const allowed = typeof type === 'string' ? keys.get(type) : undefined;
  return {
    ok: false,
    code: 'bad_frame',
    issues: withEveryUnknownKey(parsed.value, allowed, result.issues),
    schemaIssues: result.issues,
  };
}
