// A typed client from Linkhub's API document, as a user would make one: openapi-typescript turns the
// document into types, `tsc` (the TypeScript API, strict) compiles them with a usage file, and the
// compiler's own view of the generated `operations` type tells which answers a client could not use.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

export interface GeneratedClient {
  dir: string;
  /** tsc's diagnostics for schema.d.ts and usage.ts, formatted. */
  diagnostics: string[];
  /** "<operationId> <status>: <why>" for each answer whose JSON body type is unknown, any or never. */
  unusable: string[];
  /** operationIds with no 2xx answer carrying a JSON body type. */
  withoutSuccessBody: string[];
  operationIds: string[];
}

/** Generates schema.d.ts from `doc`, writes `usage` beside it as usage.ts, and compiles both. */
export async function generateClient(doc: object, usage: string): Promise<GeneratedClient> {
  const dir = mkdtempSync(join(tmpdir(), 'linkhub-client-'));
  const ast = await openapiTS(structuredClone(doc) as Parameters<typeof openapiTS>[0], { silent: true });
  writeFileSync(join(dir, 'schema.d.ts'), astToString(ast));
  writeFileSync(join(dir, 'usage.ts'), usage);
  const program = ts.createProgram([join(dir, 'schema.d.ts'), join(dir, 'usage.ts')], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: false,
    types: [],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  return { dir, diagnostics, ...inspectOperations(program, join(dir, 'schema.d.ts')) };
}

/** Walks `operations[id].responses[status].content["application/json"]` with the type checker. */
function inspectOperations(program: ts.Program, schemaFile: string) {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(schemaFile);
  if (!source) throw new Error('schema.d.ts is not in the program');
  // an interface, or `type operations = Record<string, never>` when no operation has an operationId
  const decl = source.statements.find(
    (s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
      (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === 'operations',
  );
  if (!decl) throw new Error('schema.d.ts has no `operations` interface');
  const prop = (t: ts.Type, name: string) => {
    const p = t.getProperty(name);
    return p ? checker.getTypeOfSymbol(p) : undefined;
  };
  const bad = (t: ts.Type) => (t.flags & ts.TypeFlags.Unknown ? 'unknown' : t.flags & ts.TypeFlags.Never ? 'never' : t.flags & ts.TypeFlags.Any ? 'any' : null);

  const unusable: string[] = [];
  const withoutSuccessBody: string[] = [];
  const operationIds: string[] = [];
  for (const op of checker.getTypeAtLocation(decl).getProperties()) {
    operationIds.push(op.name);
    const responses = prop(checker.getTypeOfSymbol(op), 'responses');
    let successBodies = 0;
    for (const status of responses?.getProperties() ?? []) {
      const raw = prop(checker.getTypeOfSymbol(status), 'content');
      const content = raw && checker.getNonNullableType(raw);
      // `content?: never` is how a response without a body is written (202 for an MCP notification)
      if (!content || content.flags & ts.TypeFlags.Never) continue;
      const json = prop(content, 'application/json');
      if (!json) continue;
      const why = bad(json);
      if (why) unusable.push(`${op.name} ${status.name}: ${why}`);
      else if (/^2/.test(status.name)) successBodies++;
    }
    if (successBodies === 0) withoutSuccessBody.push(op.name);
  }
  return { unusable, withoutSuccessBody, operationIds };
}
