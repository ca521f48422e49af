import { isDeployError } from './errors.js';
import { formatFinding } from './finding.js';
import { runScan } from './scan.js';

export const SCAN_USAGE = [
  'usage: chatbox-secrets-scan <path>... [--ignore <name>[,<name>...]]',
  '',
  'Scans YAML, JSON, .env files and Dockerfiles under each path for placeholder secrets,',
  'publicly known defaults, literal values of secret-named keys, passwords in URLs and',
  'committed Secret data. Exits 1 with file:line findings, 0 when clean, 2 on a usage error.',
].join('\n');

export interface ScanCliIo {
  out(line: string): void;
  err(line: string): void;
}

interface ParsedArgs {
  readonly paths: string[];
  readonly ignore: string[];
  readonly help: boolean;
}

function parseArgs(args: readonly string[]): ParsedArgs | string {
  const paths: string[] = [];
  const ignore: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--ignore' || arg.startsWith('--ignore=')) {
      const value = arg === '--ignore' ? args[++i] : arg.slice('--ignore='.length);
      if (value === undefined || value === '')
        return '--ignore needs a comma-separated list of names';
      ignore.push(
        ...value
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== ''),
      );
    } else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else paths.push(arg);
  }
  if (!help && paths.length === 0) return 'no path to scan';
  return { paths, ignore, help };
}

/** The `chatbox-secrets-scan` command, testable without a process: returns the exit code. */
export async function runScanCli(args: readonly string[], io: ScanCliIo): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.err(`chatbox-secrets-scan: ${parsed}`);
    io.err(SCAN_USAGE);
    return 2;
  }
  if (parsed.help) {
    io.out(SCAN_USAGE);
    return 0;
  }
  try {
    const { findings, files } = await runScan(parsed.paths, { ignore: parsed.ignore });
    for (const finding of findings) io.err(formatFinding(finding));
    if (findings.length > 0) {
      io.err(`chatbox-secrets-scan: ${findings.length} finding(s) in ${files} file(s) scanned`);
      return 1;
    }
    io.out(`chatbox-secrets-scan: no secrets found in ${files} file(s)`);
    return 0;
  } catch (error) {
    if (!isDeployError(error)) throw error;
    io.err(`chatbox-secrets-scan: ${error.message} (${error.code})`);
    return 2;
  }
}
