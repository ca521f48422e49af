import { readFileSync, statSync } from 'node:fs';
import * as v from 'valibot';
import { errorMessage } from './error-message.js';

// Jest's --json output, read loosely: only the fields the report uses, extra fields ignored.
const assertionSchema = v.looseObject({
  fullName: v.optional(v.string(), ''),
  title: v.optional(v.string(), ''),
  status: v.string(),
  duration: v.optional(v.nullable(v.number()), null),
  failureMessages: v.optional(v.nullable(v.array(v.string())), []),
  invocations: v.optional(v.number(), 1),
});

const suiteSchema = v.looseObject({
  name: v.optional(v.string(), ''),
  status: v.optional(v.string(), ''),
  message: v.optional(v.string(), ''),
  startTime: v.optional(v.number()),
  assertionResults: v.optional(v.array(assertionSchema), []),
});

const resultsSchema = v.looseObject({
  startTime: v.optional(v.number()),
  testResults: v.array(suiteSchema),
});

export interface JestAssertion {
  readonly fullName: string;
  readonly title: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly durationMs: number | null;
  readonly failureMessages: readonly string[];
  readonly invocations: number;
}

export interface JestSuite {
  readonly name: string;
  /** Jest reports a suite that crashed before running its tests as failed with no assertions. */
  readonly crashed: boolean;
  readonly message: string;
  readonly assertions: readonly JestAssertion[];
}

export interface JestResults {
  /** When the run started (ms since the epoch): the JSON's startTime, else the file's mtime. */
  readonly startTimeMs: number;
  readonly suites: readonly JestSuite[];
}

export type ReadJestResults =
  | { readonly ok: true; readonly results: JestResults }
  | { readonly ok: false; readonly error: string };

export function readJestResults(path: string): ReadJestResults {
  let raw: unknown;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    return { ok: false, error: errorMessage(cause) };
  }
  const parsed = v.safeParse(resultsSchema, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    return {
      ok: false,
      error: `not a Jest JSON results file (${v.getDotPath(issue) ?? 'root'}: ${issue.message})`,
    };
  }
  const suites = parsed.output.testResults.map((suite): JestSuite => ({
    name: suite.name,
    crashed: suite.status === 'failed' && suite.assertionResults.length === 0,
    message: stripAnsi(suite.message),
    assertions: suite.assertionResults.map(toAssertion),
  }));
  return { ok: true, results: { startTimeMs: parsed.output.startTime ?? mtimeMs, suites } };
}

function toAssertion(raw: v.InferOutput<typeof assertionSchema>): JestAssertion {
  return {
    fullName: raw.fullName === '' ? raw.title : raw.fullName,
    title: raw.title,
    status: normaliseStatus(raw.status),
    durationMs: raw.duration,
    failureMessages: (raw.failureMessages ?? []).map(stripAnsi),
    invocations: raw.invocations,
  };
}

// Jest also reports pending, todo, disabled and focused; only passed and failed tell anything.
function normaliseStatus(status: string): JestAssertion['status'] {
  if (status === 'passed' || status === 'failed') return status;
  return 'skipped';
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes are control sequences by definition
const ANSI_PATTERN = /\u001b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}
