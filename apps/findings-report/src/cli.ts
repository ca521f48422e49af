#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseCliArgs, USAGE } from './cli-args.js';
import { isReportError } from './errors.js';
import { EXIT_USAGE_OR_INPUT } from './exit-status.js';
import { runReport } from './run-report.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

/** Runs the CLI and returns its exit code (0 gate passing, 1 findings failing, 2 no report could be made). */
export function main(argv: readonly string[], io: CliIo = processIo): number {
  try {
    const args = parseCliArgs(argv);
    if (args.help) {
      io.stdout(USAGE);
      return 0;
    }
    const result = runReport({
      cwd: io.cwd,
      ...(args.root === undefined ? {} : { root: args.root }),
      ...(args.out === undefined ? {} : { out: args.out }),
      ...(args.commit === undefined ? {} : { commit: args.commit }),
      ...(args.catalogue === undefined ? {} : { catalogue: args.catalogue }),
      historyDir: args.noHistory ? null : args.history,
      allowUntested: args.allowUntested,
    });
    io.stdout(result.summary);
    return result.exit.code;
  } catch (error) {
    if (isReportError(error)) {
      io.stderr(`findings-report: ${error.code}: ${error.message}\n`);
      if (error.code === 'ERR_REPORT_INVALID_ARGUMENT') io.stderr(`\n${USAGE}`);
    } else {
      // Not a finding's verdict either way: keep exit 1 meaning "findings failing" only.
      io.stderr(
        `findings-report: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    return EXIT_USAGE_OR_INPUT;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && import.meta.url === pathToFileURL(realpathSync(script)).href;
}

if (isEntryPoint()) process.exitCode = main(process.argv.slice(2));
