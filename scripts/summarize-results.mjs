#!/usr/bin/env node
// Sums every package's Jest results (reports/test.json) into the one closing line CI reads.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = process.argv[2] ?? 'test.json';
const dirs = ['packages', 'apps']
  .flatMap((group) =>
    existsSync(join(ROOT, group))
      ? readdirSync(join(ROOT, group)).map((d) => join(ROOT, group, d))
      : [],
  )
  .concat([join(ROOT, 'deployments')]);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of dirs) {
  const path = join(dir, 'reports', file);
  if (!existsSync(path)) continue;
  const result = JSON.parse(readFileSync(path, 'utf8'));
  passed += result.numPassedTests ?? 0;
  // A suite that failed to run (syntax error, crash) has no failed tests but did fail.
  failed += (result.numFailedTests ?? 0) + (result.numRuntimeErrorTestSuites ?? 0);
  skipped += (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
}
console.log(
  skipped > 0
    ? `${passed} passed, ${failed} failed, ${skipped} skipped`
    : `${passed} passed, ${failed} failed`,
);
