export interface DockerInstruction {
  /** Upper case: FROM, RUN, ENV, ... */
  readonly instruction: string;
  /** Arguments with line continuations joined. */
  readonly args: string;
  /** Line of the instruction keyword (1-based). */
  readonly line: number;
}

const HEREDOC = /<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/g;

/**
 * Instructions of a Dockerfile: comments dropped, `\` continuations joined, heredoc bodies
 * (`RUN <<EOF`) skipped so their lines are not read as instructions.
 */
export function parseDockerfile(text: string): DockerInstruction[] {
  const lines = text.split(/\r?\n/);
  const instructions: DockerInstruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    const start = i;
    i++;
    if (/^\s*(?:#|$)/.test(first)) continue;
    let joined = first.trimEnd();
    while (joined.endsWith('\\') && i < lines.length) {
      const next = lines[i]!;
      i++;
      // A comment line inside a continuation is dropped; the continuation goes on.
      if (/^\s*#/.test(next)) continue;
      joined = `${joined.slice(0, -1).trimEnd()} ${next.trim()}`.trimEnd();
    }
    for (const match of joined.matchAll(HEREDOC)) {
      while (i < lines.length && lines[i]!.trim() !== match[1]) i++;
      i++;
    }
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(joined);
    if (m !== null)
      instructions.push({ instruction: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  return instructions;
}

function tokens(args: string): string[] {
  const result: string[] = [];
  const pattern = /(?:[^\s"']+|"(?:\\.|[^"\\])*"|'[^']*')+/g;
  for (const match of args.matchAll(pattern)) result.push(match[0]);
  return result;
}

function unquote(text: string): string {
  return text.replace(
    /"((?:\\.|[^"\\])*)"|'([^']*)'/g,
    (_all, double: string | undefined, single: string | undefined) =>
      double !== undefined ? double.replace(/\\(.)/g, '$1') : (single ?? ''),
  );
}

export interface DockerVariable {
  readonly name: string;
  /** Undefined for `ARG NAME` without a default. */
  readonly value: string | undefined;
}

/** Variables set by an ENV or ARG instruction (`K=v K2="v 2"`, or the legacy `ENV K v w`). */
export function dockerVariables(instruction: DockerInstruction): DockerVariable[] {
  const parts = tokens(instruction.args);
  if (instruction.instruction === 'ENV' && parts.length > 0 && !parts[0]!.includes('=')) {
    const [name, ...rest] = parts;
    return [{ name: name!, value: unquote(rest.join(' ')) }];
  }
  return parts.map((part) => {
    const eq = part.indexOf('=');
    return eq === -1
      ? { name: part, value: undefined }
      : { name: part.slice(0, eq), value: unquote(part.slice(eq + 1)) };
  });
}

/** The exec-form (JSON array) arguments of CMD/ENTRYPOINT/RUN, or undefined for shell form. */
export function execForm(instruction: DockerInstruction): string[] | undefined {
  if (!instruction.args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(instruction.args);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
