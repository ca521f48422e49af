import { basename } from 'node:path';
import type { Finding } from './finding.js';
import { isSecretName, judgeSecretValue, judgeUrlCredentials } from './secret-rules.js';
import type { Verdict } from './secret-rules.js';
import { walkDocuments } from './walk.js';
import type { PathSegment, WalkEntry } from './walk.js';

const SECRET_DATA_KEYS = new Set(['data', 'stringData']);
// package.json maps whose keys name commands and packages, never settings
// (`"chatbox-secrets-scan": "./bin/..."` is a command name, not a secret).
const PACKAGE_NAME_MAPS = new Set([
  'bin',
  'scripts',
  'exports',
  'imports',
  'engines',
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'optionalDependencies',
  'bundleDependencies',
]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSecretObject(value: unknown): boolean {
  return isRecord(value) && value.kind === 'Secret';
}

function at(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

function decodeSecretData(value: string): string {
  const compact = value.replace(/\s+/g, '');
  return BASE64.test(compact) ? Buffer.from(compact, 'base64').toString('utf8') : value;
}

/** Entries of a Secret's data/stringData: the object is the finding; values are checked too. */
function judgeSecretManifest(entry: WalkEntry, file: string, out: Finding[]): boolean {
  const { path, key, value } = entry;
  if (typeof key === 'string' && SECRET_DATA_KEYS.has(key) && isSecretObject(entry.parent)) {
    if (isRecord(value) && Object.keys(value).length > 0) {
      out.push({
        file,
        line: entry.line,
        rule: 'secret-manifest',
        message: `a Secret with ${key} is committed; create Secrets outside git (kubectl create secret, ExternalSecret)`,
      });
    }
    return true;
  }
  const section = path.at(-2);
  if (
    typeof section !== 'string' ||
    !SECRET_DATA_KEYS.has(section) ||
    !isSecretObject(at(entry.document, path.slice(0, -2)))
  )
    return false;
  if (typeof value === 'string') {
    const verdict = judgeSecretValue(section === 'data' ? decodeSecretData(value) : value);
    // The Secret itself is already reported; only say more when the value is a placeholder or default.
    if (verdict !== undefined && verdict.rule !== 'literal-secret')
      out.push({ file, line: entry.line, key: String(key), ...verdict });
  }
  return true;
}

function judgeEntry(entry: WalkEntry): { key: string; verdict: Verdict } | undefined {
  const { key, value, parent } = entry;
  if (typeof key !== 'string' || typeof value !== 'string') return undefined;
  // A Kubernetes env entry { name, value }: the name says whether the value is secret.
  if (
    key === 'value' &&
    isRecord(parent) &&
    typeof parent.name === 'string' &&
    isSecretName(parent.name)
  ) {
    const verdict = judgeSecretValue(value);
    return verdict === undefined ? undefined : { key: parent.name, verdict };
  }
  if (isSecretName(key)) {
    const verdict = judgeSecretValue(value);
    return verdict === undefined ? undefined : { key, verdict };
  }
  const verdict = judgeUrlCredentials(value);
  return verdict === undefined ? undefined : { key, verdict };
}

/** Findings in the parsed documents of one YAML or JSON file. */
export function scanDocuments(
  file: string,
  text: string,
  documents: readonly unknown[],
): Finding[] {
  const findings: Finding[] = [];
  const isPackageJson = basename(file) === 'package.json';
  walkDocuments(documents, text, (entry) => {
    if (isPackageJson && PACKAGE_NAME_MAPS.has(String(entry.path[0]))) return;
    if (judgeSecretManifest(entry, file, findings)) return;
    const judged = judgeEntry(entry);
    if (judged !== undefined)
      findings.push({ file, line: entry.line, key: judged.key, ...judged.verdict });
  });
  return findings;
}
