// Builds @chatbox/deployments' FieldSchema from kubernetes-models' own type declarations with
// the TypeScript checker: the field names the library's validators are generated from, for the
// unknown-field check the library itself lacks (K9).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { FieldSchema } from '../../src/index.js';
import { PACKAGE_DIR } from './paths.js';

const ENTRY = join(PACKAGE_DIR, '__kube_schema_entry__.ts');

/** kubernetes-models module of a kind: `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`. */
export function modelModule(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

export interface KubeSchemas {
  schemaFor(apiVersion: string, kind: string): FieldSchema;
}

/** One TypeScript program over the kinds given; schemas are built lazily and cached per type. */
export function createKubeSchemas(
  kinds: readonly { apiVersion: string; kind: string }[],
): KubeSchemas {
  const source = kinds
    .map(
      ({ apiVersion, kind }, i) =>
        `import type { I${kind} as T${i} } from '${modelModule(apiVersion, kind)}';\nexport type K${i} = T${i};`,
    )
    .join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
    strict: true,
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    file === ENTRY
      ? ts.createSourceFile(file, source, language)
      : getSourceFile(file, language, ...rest);
  host.fileExists = (file) => file === ENTRY || fileExists(file);
  // Resolve lib files from the compiler actually loaded.
  host.getDefaultLibLocation = () => dirname(createRequire(import.meta.url).resolve('typescript'));
  const program = ts.createProgram([ENTRY], options, host);
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(ENTRY)!;
  // An import that does not resolve would type as `any` and silently accept every field.
  const problems = ts.getPreEmitDiagnostics(program, entry);
  if (problems.length > 0) throw new Error(ts.formatDiagnostics(problems, host));
  const exports = checker.getSymbolAtLocation(entry)!.exports!;
  const cache = new Map<ts.Type, FieldSchema>();

  const schemaOf = (input: ts.Type): FieldSchema => {
    const type = checker.getNonNullableType(input);
    const cached = cache.get(type);
    if (cached !== undefined) return cached;
    let schema: FieldSchema;
    if (checker.isArrayType(type)) {
      const [item] = checker.getTypeArguments(type as ts.TypeReference);
      schema = {
        kind: 'array',
        items: () => (item === undefined ? { kind: 'any' } : schemaOf(item)),
      };
    } else if (type.isUnion()) {
      // IntOrString, literal unions: scalars. Unions of object types do not occur in the models.
      schema = type.types.every((member) => !(member.flags & ts.TypeFlags.Object))
        ? { kind: 'scalar' }
        : { kind: 'any' };
    } else if (!(type.flags & ts.TypeFlags.Object)) {
      schema =
        type.flags & ts.TypeFlags.Any || type.flags & ts.TypeFlags.Unknown
          ? { kind: 'any' }
          : { kind: 'scalar' };
    } else {
      const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
      const properties = checker.getPropertiesOfType(type);
      if (index !== undefined && properties.length === 0)
        schema = { kind: 'map', values: () => schemaOf(index.type) };
      else {
        let fields: Map<string, () => FieldSchema> | undefined;
        schema = {
          kind: 'object',
          fields: () =>
            (fields ??= new Map(
              properties.map((property) => [
                property.name,
                () => schemaOf(checker.getTypeOfSymbol(property)),
              ]),
            )),
        };
      }
    }
    cache.set(type, schema);
    return schema;
  };

  return {
    schemaFor(apiVersion, kind) {
      const i = kinds.findIndex(
        (candidate) => candidate.apiVersion === apiVersion && candidate.kind === kind,
      );
      const symbol = exports.get(ts.escapeLeadingUnderscores(`K${i}`));
      if (i === -1 || symbol === undefined)
        throw new Error(`no schema loaded for ${apiVersion} ${kind}`);
      return schemaOf(checker.getDeclaredTypeOfSymbol(symbol));
    },
  };
}
