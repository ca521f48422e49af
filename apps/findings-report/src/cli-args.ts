import { parseArgs } from 'node:util';
import { errorMessage } from './error-message.js';
import { ReportError } from './errors.js';

export interface CliArgs {
  readonly help: boolean;
  readonly root: string | undefined;
  readonly out: string | undefined;
  readonly history: string | undefined;
  readonly noHistory: boolean;
  readonly commit: string | undefined;
  readonly catalogue: string | undefined;
  readonly allowUntested: boolean;
}

export const USAGE = `Usage: findings-report [options]

Builds the findings dashboard from every package's Jest results and the findings catalogue.

Options:
  --root <dir>        repository root (default: the nearest directory above with pnpm-workspace.yaml)
  --out <dir>         output directory (default: <root>/site)
  --history <dir>     history directory, kept between CI runs (default: <root>/.findings-history)
  --no-history        neither read nor append the history
  --commit <sha>      commit of this run (default: git rev-parse HEAD)
  --catalogue <file>  findings catalogue (default: the package's catalogue/findings.yaml)
  --allow-untested    exit 0 even when findings are untested (regressions still fail)
  -h, --help          show this help

Exit codes: 0 gate passing; 1 a finding regressed or untested, or catalogue drift; 2 no report could be made.
`;

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        root: { type: 'string' },
        out: { type: 'string' },
        history: { type: 'string' },
        'no-history': { type: 'boolean', default: false },
        commit: { type: 'string' },
        catalogue: { type: 'string' },
        'allow-untested': { type: 'boolean', default: false },
      },
    }));
  } catch (cause) {
    throw new ReportError('ERR_REPORT_INVALID_ARGUMENT', errorMessage(cause), { cause });
  }
  if (values.history !== undefined && values['no-history']) {
    throw new ReportError(
      'ERR_REPORT_INVALID_ARGUMENT',
      '--history and --no-history cannot be used together',
    );
  }
  for (const name of ['root', 'out', 'history', 'commit', 'catalogue'] as const) {
    if (values[name] === '')
      throw new ReportError('ERR_REPORT_INVALID_ARGUMENT', `--${name} needs a value`);
  }
  return {
    help: values.help,
    root: values.root,
    out: values.out,
    history: values.history,
    noHistory: values['no-history'],
    commit: values.commit,
    catalogue: values.catalogue,
    allowUntested: values['allow-untested'],
  };
}
