/**
 * Generate Linkhub's Stripe action catalogue from Stripe's v1 OpenAPI spec.
 *
 *   npx tsx scripts/generate-stripe-actions.ts [--spec path] [--out path] [--check]
 *
 * Defaults: --spec vendor/stripe/openapi.json (vendored; provenance in vendor/stripe/README.md) and
 * --out src/connectors/stripe/actions.generated.json, both relative to the repository root
 * (explicit paths are relative to the working directory). `--check` writes nothing and exits 1
 * when the output file differs from what would be generated.
 *
 * The output is deterministic (stable key order, actions sorted by path then GET/POST/DELETE,
 * no timestamps; the only provenance is the spec's SHA-256), so regenerating from the same spec
 * gives byte-identical output. test/stripe-actions.test.ts enforces that.
 *
 * ONE ACTION PER OPERATION: every v1 operation in the spec becomes exactly one action (the spec
 * has 452). Endpoints that are removed or only legacy aliases are kept and marked
 * `deprecated: true` with a `deprecationReason` (see stripe-actions/deprecations.ts), never dropped.
 *
 * The work is split by job under scripts/stripe-actions/: spec.ts reads the spec, naming.ts
 * names actions, permissions.ts maps restricted-key permissions, deprecations.ts marks removed
 * endpoints, schemas.ts and input.ts build input schemas, catalog.ts assembles and renders.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCatalog, renderCatalog } from './stripe-actions/catalog.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SPEC = resolve(REPO_ROOT, 'vendor/stripe/openapi.json');
const DEFAULT_OUT = resolve(REPO_ROOT, 'src/connectors/stripe/actions.generated.json');

function parseArgs(argv: string[]): { spec: string; out: string; check: boolean } {
  let spec = DEFAULT_SPEC;
  let out = DEFAULT_OUT;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--spec' || arg === '--out') {
      const value = argv[++i];
      if (!value) throw new Error(`${arg} needs a path`);
      if (arg === '--spec') spec = resolve(value);
      else out = resolve(value);
    } else if (arg === '--check') {
      check = true;
    } else {
      throw new Error(`Unknown argument ${arg}; usage: generate-stripe-actions.ts [--spec path] [--out path] [--check]`);
    }
  }
  return { spec, out, check };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(args.spec)) throw new Error(`Spec not found: ${args.spec}`);
  const catalog = generateCatalog(readFileSync(args.spec, 'utf8'));
  const text = renderCatalog(catalog);
  if (args.check) {
    const current = existsSync(args.out) ? readFileSync(args.out, 'utf8') : '';
    if (current !== text) {
      console.error(`${args.out} is stale: run npx tsx scripts/generate-stripe-actions.ts`);
      process.exit(1);
    }
    console.log(`${args.out} is up to date (${catalog.count} actions)`);
    return;
  }
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, text);
  const nulls = catalog.actions.filter((a) => a.permission === null).map((a) => a.name);
  const deprecated = catalog.actions.filter((a) => a.deprecated).length;
  console.log(
    `wrote ${args.out}: ${catalog.count} actions, ${Buffer.byteLength(text)} bytes, ` +
      `${deprecated} deprecated, ${nulls.length} without permission (${nulls.join(', ')})`,
  );
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
