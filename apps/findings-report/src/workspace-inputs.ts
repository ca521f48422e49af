import { readBenchmark } from './bench.js';
import type { PackageInput } from './build-report.js';
import { collectResults, type CollectedResults } from './collect-results.js';
import { readCoverage } from './coverage.js';
import { readFigures } from './figures.js';
import type { BenchReport, Drift, Figure } from './report-model.js';
import { discoverPackages } from './workspace.js';

export interface WorkspaceInputs {
  readonly collected: CollectedResults;
  readonly packages: readonly PackageInput[];
  readonly figures: readonly Figure[];
  readonly benchmark: BenchReport | null;
  /** Coverage, figure and benchmark files that could not be read. */
  readonly problems: readonly Drift[];
}

/** Everything the report reads from the repository, found by convention under `root`. */
export function readWorkspaceInputs(root: string): WorkspaceInputs {
  const found = discoverPackages(root);
  const problems: Drift[] = [];
  const figures: Figure[] = [];
  const packages = found.map((pkg): PackageInput => {
    const coverage = readCoverage({ root, packageDir: pkg.dir });
    if (coverage.problem !== null) problems.push(coverage.problem);
    const read = readFigures({ root, packageDir: pkg.dir, packageName: pkg.name });
    figures.push(...read.figures);
    problems.push(...read.problems);
    return { name: pkg.name, dir: pkg.relDir, coverage: coverage.coverage };
  });
  const bench = readBenchmark({ root });
  if (bench.problem !== null) problems.push(bench.problem);
  return {
    collected: collectResults({ root, packages: found }),
    packages,
    figures,
    benchmark: bench.benchmark,
    problems,
  };
}
