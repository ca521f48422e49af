import { formatIssue } from './errors.js';
import type { ConfigEnv } from './load.js';
import { safeLoadConfig } from './load.js';
import { redactConfig } from './redact.js';
import { SETTING_DEFINITIONS } from './settings.js';
import type { LoadConfigOptions } from './types.js';

export interface CheckIo {
  /** Receives one line, without the trailing newline. */
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly readFile?: LoadConfigOptions['readFile'];
}

export const CHECK_USAGE =
  'usage: chatbox-config check   validate CHATBOX_* settings (and CHATBOX_CONFIG_FILE); exit 1 on any problem';

function valueAt(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
}

/**
 * `chatbox-config check`: every problem on stderr and exit code 1, or "configuration OK" and a
 * redacted summary of every effective setting on stdout and exit code 0.
 */
export function runCheck(env: ConfigEnv, io: CheckIo): number {
  const result = safeLoadConfig(env, io.readFile === undefined ? {} : { readFile: io.readFile });
  if (!result.success) {
    const noun = result.issues.length === 1 ? 'problem' : 'problems';
    io.err(`chatbox-config: ${result.issues.length} configuration ${noun}`);
    for (const issue of result.issues) io.err(`  ${formatIssue(issue)}`);
    return 1;
  }
  const { config } = result;
  const summary = redactConfig(config);
  io.out(`configuration OK (env: ${config.env})`);
  for (const notice of config.notices) io.out(`notice: ${notice}`);
  for (const definition of SETTING_DEFINITIONS) {
    const value = valueAt(summary, definition.path);
    if (value === undefined) continue;
    const generated =
      definition.path === 'auth.jwtSecret' && config.auth.jwtSecretGenerated ? ' (generated)' : '';
    io.out(`  ${definition.path} = ${JSON.stringify(value)}${generated}`);
  }
  return 0;
}

/** Argument handling of the `chatbox-config` binary. */
export function runCli(argv: readonly string[], env: ConfigEnv, io: CheckIo): number {
  const [command, ...rest] = argv;
  if (command === 'check' && rest.length === 0) return runCheck(env, io);
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(CHECK_USAGE);
    return 0;
  }
  io.err(CHECK_USAGE);
  return 2;
}
