export interface EnvAssignment {
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

function unquote(raw: string): string {
  const text = raw.trim();
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const end = text.indexOf(quote, 1);
    return end === -1 ? text.slice(1) : text.slice(1, end);
  }
  // An unquoted value ends at a comment.
  return text.replace(/\s+#.*$/, '');
}

/** `KEY=value` lines of a dotenv file (comments, `export` and quotes handled). */
export function parseEnvFile(text: string): EnvAssignment[] {
  const assignments: EnvAssignment[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*(?:#|$)/.test(raw)) return;
    const match = ASSIGNMENT.exec(raw);
    if (match !== null)
      assignments.push({ name: match[1]!, value: unquote(match[2]!), line: index + 1 });
  });
  return assignments;
}
