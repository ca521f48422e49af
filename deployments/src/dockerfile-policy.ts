import { execForm, parseDockerfile } from './dockerfile.js';
import type { DockerInstruction } from './dockerfile.js';
import { imagePinProblem } from './policy/image.js';
import type { Violation } from './policy/types.js';
import { scanText } from './scan.js';

/** Images conventionally run as root or a low system UID; the app's user sits above them. */
export const MIN_IMAGE_UID = 10_000;

export interface DockerfilePolicyOptions {
  /** Name used in violations. */
  readonly file?: string;
  /** The port the server listens on by default; EXPOSE must list it. */
  readonly port: number;
  /** A path the HEALTHCHECK must probe. */
  readonly healthPath?: string;
}

interface Stage {
  readonly from: DockerInstruction;
  readonly name: string | undefined;
  readonly instructions: DockerInstruction[];
}

function stagesOf(instructions: readonly DockerInstruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.instruction === 'FROM') {
      const name = /\s+as\s+(\S+)\s*$/i.exec(instruction.args)?.[1];
      stages.push({ from: instruction, name: name?.toLowerCase(), instructions: [] });
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

function baseImage(from: DockerInstruction): string {
  const words = from.args.split(/\s+/).filter((word) => !word.startsWith('--'));
  return words[0] ?? '';
}

function checkStages(stages: readonly Stage[], at: (line: number) => string): Violation[] {
  const out: Violation[] = [];
  const names = new Set<string>();
  for (const stage of stages) {
    const image = baseImage(stage.from);
    if (!names.has(image.toLowerCase()) && image !== 'scratch') {
      const problem = image.includes('$')
        ? `${image}: build arguments hide the base image; write it out pinned`
        : imagePinProblem(image);
      if (problem !== undefined)
        out.push({ rule: 'dockerfile', resource: at(stage.from.line), message: `FROM ${problem}` });
    }
    if (stage.name !== undefined) names.add(stage.name);
  }
  return out;
}

function checkFinalStage(
  stage: Stage,
  options: DockerfilePolicyOptions,
  at: (line: number) => string,
): Violation[] {
  const out: Violation[] = [];
  const violation = (line: number, message: string): void =>
    void out.push({ rule: 'dockerfile', resource: at(line), message });
  const last = (name: string): DockerInstruction | undefined =>
    stage.instructions.filter((instruction) => instruction.instruction === name).at(-1);
  const user = last('USER');
  const [uid, gid] = (user?.args ?? '').split(':');
  if (
    user === undefined ||
    !/^\d+$/.test(uid ?? '') ||
    Number(uid) < MIN_IMAGE_UID ||
    (gid !== undefined && !/^\d+$/.test(gid))
  ) {
    violation(
      user?.line ?? stage.from.line,
      `the final stage must run as a numeric USER >= ${MIN_IMAGE_UID} (runAsNonRoot can only verify numeric IDs)`,
    );
  }
  const exposed = stage.instructions
    .filter((instruction) => instruction.instruction === 'EXPOSE')
    .flatMap((instruction) => instruction.args.split(/\s+/));
  if (!exposed.some((port) => port === String(options.port) || port === `${options.port}/tcp`))
    violation(stage.from.line, `EXPOSE must list the server port ${options.port}`);
  const command = last('ENTRYPOINT') ?? last('CMD');
  const argv = command === undefined ? undefined : execForm(command);
  if (command === undefined || argv === undefined) {
    violation(
      command?.line ?? stage.from.line,
      'CMD/ENTRYPOINT must use the exec form: a shell as PID 1 does not forward SIGTERM',
    );
  } else if (!/(?:^|\/)(?:node|tini)$/.test(argv[0] ?? ''))
    violation(command.line, 'PID 1 must be node (which handles SIGTERM) or tini');
  const health = last('HEALTHCHECK');
  if (
    options.healthPath !== undefined &&
    (health === undefined || !health.args.includes(options.healthPath))
  ) {
    violation(health?.line ?? stage.from.line, `HEALTHCHECK must probe ${options.healthPath}`);
  }
  return out;
}

/**
 * The container image rules, checked statically: every base image pinned, no ADD of remote
 * URLs, no secrets in ENV/ARG, a numeric non-root USER, the server port exposed, node (or
 * tini) as PID 1 in exec form, and a HEALTHCHECK on the liveness path.
 */
export function checkDockerfile(text: string, options: DockerfilePolicyOptions): Violation[] {
  const file = options.file ?? 'Dockerfile';
  const at = (line: number): string => `${file}:${line}`;
  const instructions = parseDockerfile(text);
  const stages = stagesOf(instructions);
  if (stages.length === 0)
    return [{ rule: 'dockerfile', resource: at(1), message: 'no FROM instruction' }];
  const out = checkStages(stages, at);
  for (const instruction of instructions) {
    if (
      instruction.instruction === 'ADD' &&
      /(?:^|\s)(?:https?:\/\/|git@|ftp:\/\/)/i.test(instruction.args)
    ) {
      out.push({
        rule: 'dockerfile',
        resource: at(instruction.line),
        message: 'ADD of a remote URL: fetch with a pinned checksum in a build stage instead',
      });
    }
  }
  for (const finding of scanText(file, text, 'dockerfile')) {
    out.push({
      rule: 'dockerfile',
      resource: at(finding.line),
      message: `${finding.key ?? ''} ${finding.message}`.trim(),
    });
  }
  return [...out, ...checkFinalStage(stages.at(-1)!, options, at)];
}
