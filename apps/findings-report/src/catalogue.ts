import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import * as v from 'valibot';
import { catalogueSchema, type Catalogue } from './catalogue-schema.js';
import { errorMessage } from './error-message.js';
import { ReportError } from './errors.js';

export interface LoadCatalogueOptions {
  readonly path: string;
}

/** Reads the findings catalogue and validates it, reporting every problem at once. */
export function loadCatalogue(options: LoadCatalogueOptions): Catalogue {
  let raw: unknown;
  try {
    raw = yaml.load(readFileSync(options.path, 'utf8'), { filename: options.path });
  } catch (cause) {
    throw new ReportError(
      'ERR_REPORT_CATALOGUE_UNREADABLE',
      `cannot read the catalogue ${options.path}: ${errorMessage(cause)}`,
      { cause },
    );
  }
  const parsed = v.safeParse(catalogueSchema, raw);
  if (!parsed.success) {
    const problems = parsed.issues.map(
      (issue) => `  ${v.getDotPath(issue) ?? '(catalogue)'}: ${issue.message}`,
    );
    throw new ReportError(
      'ERR_REPORT_CATALOGUE_INVALID',
      `the catalogue ${options.path} is invalid:\n${problems.join('\n')}`,
    );
  }
  return { findings: [...parsed.output.findings].sort((a, b) => a.id.localeCompare(b.id)) };
}
