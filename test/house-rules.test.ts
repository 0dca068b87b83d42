// The shape of the repo, checked on every run: the import rules of .dependency-cruiser.cjs (no
// cycles, dependencies point inward), no hand-written file over 400 lines in src/, web/, scripts/,
// provider facts only in connector folders, no pointers to documents the repo does not have.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.linkhub', 'vendor']);
const TEXT = /\.(ts|tsx|mjs|cjs|js|css|html|md|json|sql|yaml|yml)$/;

/** Repo-relative paths of the text files under `dir` (generated files and vendored data excluded by the caller). */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(p);
      } else if (TEXT.test(name)) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
// generated files, and data sets (a connector's labelled search requests: thousands of written lines of data, no code)
const handWritten = (f: string) => !/\.generated\.|package-lock\.json$|\/search-examples\/[^/]+\.json$/.test(f);

function depcruise(cwd: string, targets: string[]): { code: number; output: string } {
  const bin = join(ROOT, 'node_modules/.bin/depcruise');
  try {
    const output = execFileSync(bin, [...targets, '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'], {
      cwd,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { code: 0, output };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, output: err.stdout + err.stderr };
  }
}

test('imports: no cycles, and dependencies point inward (dependency-cruiser)', () => {
  const r = depcruise(ROOT, ['src', 'web', 'scripts']);
  assert.equal(r.code, 0, r.output);
});

test('the import rules do catch a cycle and an outward arrow', () => {
  // A throwaway tree with the repo's room names: the same config must refuse it.
  const dir = mkdtempSync(join(tmpdir(), 'linkhub-rules-'));
  const put = (f: string, body: string) => {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), body);
  };
  put('src/vault/vault.ts', "import { fail } from '../services/errors.js';\nexport const v = fail;\n");
  put('src/services/errors.ts', 'export const fail = 1;\n');
  put('src/services/a.ts', "import { b } from './b.js';\nexport const a = b;\n");
  put('src/services/b.ts', "import { a } from './a.js';\nexport const b = a;\n");
  put('tsconfig.check.json', '{"compilerOptions":{"module":"NodeNext","moduleResolution":"NodeNext","strict":true}}');
  const r = depcruise(dir, ['src']);
  assert.notEqual(r.code, 0);
  assert.match(r.output, /inner-rooms-stay-inner/);
  assert.match(r.output, /no-cycles/);
});

test('no hand-written file over 400 lines in src/, web/, scripts/', () => {
  const long = ['src', 'web', 'scripts']
    .flatMap(files)
    .filter(handWritten)
    .map((f) => ({ f, lines: read(f).split('\n').length - (read(f).endsWith('\n') ? 1 : 0) }))
    .filter((x) => x.lines > 400);
  assert.deepEqual(long, []);
});

test('provider facts live in connector folders: at most 3 files outside src/connectors/ name Stripe', () => {
  const naming = files('src').filter((f) => !f.startsWith('src/connectors/') && /stripe/i.test(read(f)));
  assert.ok(naming.length <= 3, `files naming Stripe outside src/connectors/: ${naming.join(', ')}`);
  assert.deepEqual(naming, ['src/config.ts'], 'only the configuration names it (LINKHUB_STRIPE_API_BASE)');
});

test('no pointers to documents the repo does not have', () => {
  const shared = ['..', 'shared'].join('/');
  const section = new RegExp(['COMPAT', 'FACTS'].map((w) => `${w}(\\.md)?\\s*\\u00a7`).join('|') + '|\\u00a7\\s*\\d');
  const offenders: string[] = [];
  for (const f of [...files('src'), ...files('test'), ...files('scripts'), ...files('bench'), ...files('web'), ...files('docs'), 'README.md']) {
    const text = read(f);
    if (text.includes(shared) || text.includes('/work/' + 'shared') || section.test(text)) offenders.push(f);
  }
  assert.deepEqual(offenders, []);
});
