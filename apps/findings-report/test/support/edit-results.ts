import { readFileSync, writeFileSync } from 'node:fs';

interface Assertion {
  fullName: string;
  status: string;
  failureMessages: string[];
  invocations?: number;
}
interface Results {
  startTime: number;
  testResults: { assertionResults: Assertion[] }[];
}

/** Rewrites one test's status in a Jest results file, moving the run's start forward. */
export function setTestStatus(path: string, namePrefix: string, status: 'passed' | 'failed'): void {
  const results = JSON.parse(readFileSync(path, 'utf8')) as Results;
  let found = false;
  for (const suite of results.testResults) {
    for (const assertion of suite.assertionResults) {
      if (!assertion.fullName.startsWith(namePrefix)) continue;
      assertion.status = status;
      assertion.failureMessages = status === 'failed' ? ['Error: failed on purpose'] : [];
      found = true;
    }
  }
  if (!found) throw new Error(`no test ${namePrefix} in ${path}`);
  results.startTime += 60_000;
  writeFileSync(path, JSON.stringify(results));
}
