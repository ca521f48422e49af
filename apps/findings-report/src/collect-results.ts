import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJestResults, type JestAssertion, type JestResults } from './jest-results.js';
import { productionTokens } from './production-token.js';
import type { Drift, ResultInput } from './report-model.js';
import { displayPath, toRepoPath, type WorkspacePackage } from './workspace.js';

// `test:production` writes production.json; `test` writes test.json, which holds the production
// tests too. Both are read; for a test present in both, the newer run wins.
const RESULT_FILES = [
  { kind: 'production', file: 'production.json' },
  { kind: 'test', file: 'test.json' },
] as const;

/** One Jest test carrying at least one production token, with where it came from. */
export interface ProductionResult {
  readonly tokens: readonly { readonly name: string; readonly finding: string }[];
  readonly assertion: JestAssertion;
  readonly package: string;
  readonly source: string;
  readonly startTimeMs: number;
}

export interface CollectedResults {
  readonly results: readonly ProductionResult[];
  readonly inputs: readonly ResultInput[];
  readonly problems: readonly Drift[];
}

export interface CollectResultsOptions {
  readonly root: string;
  readonly packages: readonly WorkspacePackage[];
}

export function collectResults(options: CollectResultsOptions): CollectedResults {
  const results: ProductionResult[] = [];
  const inputs: ResultInput[] = [];
  const problems: Drift[] = [];
  for (const pkg of options.packages) {
    const runs: { source: string; results: JestResults }[] = [];
    for (const { kind, file } of RESULT_FILES) {
      const path = join(pkg.dir, 'reports', file);
      if (!existsSync(path)) continue;
      const source = toRepoPath(options.root, path);
      const read = readJestResults(path);
      if (!read.ok) {
        problems.push(invalidInput(source, read.error));
        continue;
      }
      runs.push({ source, results: read.results });
      inputs.push(
        describeInput({
          root: options.root,
          packageName: pkg.name,
          kind,
          source,
          results: read.results,
        }),
      );
    }
    results.push(...mergeNewestWins(pkg.name, runs));
  }
  return { results, inputs, problems };
}

function mergeNewestWins(
  packageName: string,
  runs: readonly { source: string; results: JestResults }[],
): ProductionResult[] {
  const byName = new Map<string, ProductionResult>();
  const oldestFirst = [...runs].sort((a, b) => a.results.startTimeMs - b.results.startTimeMs);
  for (const run of oldestFirst) {
    for (const suite of run.results.suites) {
      for (const assertion of suite.assertions) {
        const tokens = productionTokens(assertion.fullName, assertion.title);
        if (tokens.length === 0) continue;
        byName.set(`${suite.name}\u0000${assertion.fullName}`, {
          tokens,
          assertion,
          package: packageName,
          source: run.source,
          startTimeMs: run.results.startTimeMs,
        });
      }
    }
  }
  return [...byName.values()];
}

interface InputDescription {
  readonly root: string;
  readonly packageName: string;
  readonly kind: ResultInput['kind'];
  readonly source: string;
  readonly results: JestResults;
}

function describeInput({
  root,
  packageName,
  kind,
  source,
  results,
}: InputDescription): ResultInput {
  const productionTests = results.suites
    .flatMap((suite) => suite.assertions)
    .filter((assertion) => productionTokens(assertion.fullName, assertion.title).length > 0).length;
  return {
    file: source,
    package: packageName,
    kind,
    startedAt: new Date(results.startTimeMs).toISOString(),
    productionTests,
    failedSuites: results.suites
      .filter((suite) => suite.crashed)
      .map((suite) => ({
        name: displayPath(root, suite.name),
        message: suite.message.split('\n').slice(0, 20).join('\n'),
      })),
  };
}

function invalidInput(file: string, error: string): Drift {
  return {
    kind: 'invalid-input',
    level: 'error',
    message: `${file}: ${error}`,
    finding: null,
    test: null,
    file,
  };
}
