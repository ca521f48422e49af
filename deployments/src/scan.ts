import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { dockerVariables, parseDockerfile } from './dockerfile.js';
import { parseEnvFile } from './env-file.js';
import { stripJsonComments } from './jsonc.js';
import { DeployError } from './errors.js';
import type { Finding } from './finding.js';
import { collectTargets } from './scan-files.js';
import type { ScannedFileType } from './scan-files.js';
import { scanDocuments } from './scan-structured.js';
import { isSecretName, judgeSecretValue, judgeUrlCredentials } from './secret-rules.js';

/** Entry names always skipped while walking directories. */
export const DEFAULT_SCAN_IGNORE: readonly string[] = Object.freeze(['node_modules', '.git']);

export interface ScanOptions {
  /** More file or directory names to skip while walking (never applied to the paths given). */
  readonly ignore?: readonly string[];
}

function scanVariable(file: string, line: number, name: string, value: string): Finding[] {
  const verdict = isSecretName(name) ? judgeSecretValue(value) : judgeUrlCredentials(value);
  return verdict === undefined ? [] : [{ file, line, key: name, ...verdict }];
}

function scanEnvFile(file: string, text: string): Finding[] {
  return parseEnvFile(text).flatMap((assignment) =>
    scanVariable(file, assignment.line, assignment.name, assignment.value),
  );
}

function scanDockerfile(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  for (const instruction of parseDockerfile(text)) {
    if (instruction.instruction !== 'ENV' && instruction.instruction !== 'ARG') continue;
    for (const variable of dockerVariables(instruction)) {
      if (variable.value !== undefined) {
        findings.push(...scanVariable(file, instruction.line, variable.name, variable.value));
      } else if (isSecretName(variable.name)) {
        findings.push({
          file,
          line: instruction.line,
          key: variable.name,
          rule: 'secret-build-arg',
          message: 'is a build argument, visible in the image history; use RUN --mount=type=secret',
        });
      }
    }
  }
  return findings;
}

function parseLine(error: unknown): number {
  const mark = (error as { mark?: { line?: unknown } }).mark;
  return typeof mark?.line === 'number' ? mark.line + 1 : 1;
}

function scanStructured(file: string, raw: string, type: 'yaml' | 'json'): Finding[] {
  let documents: unknown[];
  // tsconfig.json and friends carry comments; blanking them keeps every offset in place.
  const text = type === 'json' ? stripJsonComments(raw) : raw;
  try {
    documents = type === 'json' ? [JSON.parse(text)] : yaml.loadAll(text);
  } catch (error) {
    // A gate that cannot read a file cannot vouch for it.
    return [
      {
        file,
        line: parseLine(error),
        rule: 'unparseable',
        message: `is not valid ${type.toUpperCase()}, so it cannot be checked`,
      },
    ];
  }
  return scanDocuments(file, text, documents);
}

/** Findings in the text of one file of the given type. */
export function scanText(file: string, text: string, type: ScannedFileType): Finding[] {
  switch (type) {
    case 'yaml':
    case 'json':
      return scanStructured(file, text, type);
    case 'env':
      return scanEnvFile(file, text);
    case 'dockerfile':
      return scanDockerfile(file, text);
  }
}

/**
 * The secret gate (finding 06): placeholder values, publicly known defaults, literal values of
 * secret-named keys and env entries, passwords in URLs, committed `kind: Secret` data and
 * secret build args, in the YAML, JSON, .env and Dockerfiles under `paths`. Sorted by file
 * and line.
 */
export async function scanForSecrets(
  paths: readonly string[],
  options: ScanOptions = {},
): Promise<Finding[]> {
  return (await runScan(paths, options)).findings;
}

export interface ScanResult {
  readonly findings: Finding[];
  readonly files: number;
}

/** `scanForSecrets` plus the number of files read (for the CLI's summary). */
export async function runScan(
  paths: readonly string[],
  options: ScanOptions = {},
): Promise<ScanResult> {
  const ignore = new Set([...DEFAULT_SCAN_IGNORE, ...(options.ignore ?? [])]);
  const targets = await collectTargets(paths, ignore);
  const findings: Finding[] = [];
  for (const target of targets) {
    const text = await readFile(target.path, 'utf8').catch((cause: unknown) => {
      throw new DeployError('ERR_DEPLOY_READ_FAILED', `cannot read ${target.path}`, { cause });
    });
    findings.push(...scanText(target.path, text, target.type));
  }
  findings.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { findings, files: targets.length };
}
