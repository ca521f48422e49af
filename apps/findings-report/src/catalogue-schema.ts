import * as v from 'valibot';
import { findingOfTestName, TEST_NAME_PATTERN } from './production-token.js';
import { SEVERITIES, VERDICTS } from './report-model.js';

const text = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'));

const entrySchema = v.pipe(
  v.strictObject({
    id: v.pipe(v.string(), v.regex(/^\d{2}$/, 'must be two digits, e.g. "01"')),
    title: text,
    packages: v.pipe(
      v.array(
        v.pipe(v.string(), v.regex(/^@chatbox\/[a-z0-9-]+$/, 'must be a @chatbox/ package name')),
      ),
      v.minLength(1),
    ),
    severity: v.picklist(SEVERITIES),
    claim: text,
    verdict: v.picklist(VERDICTS),
    reason: v.optional(text),
    rationale: text,
    tests: v.array(
      v.pipe(
        v.string(),
        v.regex(TEST_NAME_PATTERN, 'must be a ProductionIssueNN_<Name> test name'),
      ),
    ),
    code: v.array(
      v.pipe(v.string(), v.regex(/^(?!\/)(?!.*\.\.)[\w@./-]+$/, 'must be a repo-relative path')),
    ),
  }),
  v.check(
    (entry) => entry.verdict !== 'false-positive' || entry.reason !== undefined,
    'a false-positive verdict needs a reason',
  ),
  v.check(
    (entry) => entry.verdict !== 'resolved' || entry.tests.length > 0,
    'a resolved verdict needs at least one test',
  ),
  v.check(
    (entry) => entry.tests.every((name) => findingOfTestName(name) === entry.id),
    'every test name must carry the finding id (ProductionIssue<id>_...)',
  ),
);

export const catalogueSchema = v.pipe(
  v.strictObject({ findings: v.pipe(v.array(entrySchema), v.minLength(1)) }),
  v.check(
    (catalogue) =>
      new Set(catalogue.findings.map((entry) => entry.id)).size === catalogue.findings.length,
    'finding ids must be unique',
  ),
);

export type Catalogue = v.InferOutput<typeof catalogueSchema>;
export type CatalogueEntry = Catalogue['findings'][number];
