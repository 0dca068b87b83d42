#!/usr/bin/env node
// The one test command (`npm test`): type-check, then the whole suite on the embedded
// PGlite store, then again on PostgreSQL when TEST_DATABASE_URL is set.
// A skipped test is a promise the suite did not keep: under CI=true any skipped (or todo) test
// fails the run, and so does a missing TEST_DATABASE_URL; locally skipped tests are named in a
// loud warning and the run passes.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ci = process.env.CI === 'true';
const args = process.argv.slice(2);
const SKIP_REPORTER = fileURLToPath(new URL('./test-skip-reporter.mjs', import.meta.url));
const only = args.filter((a) => !a.startsWith('--'));

function run(cmd, argv, env) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

if (!args.includes('--no-typecheck')) {
  console.log('== type-check');
  const projects = ['tsconfig.check.json', 'web/hub/tsconfig.json', 'web/dashboard/tsconfig.json'];
  if (projects.some((p) => run('npx', ['tsc', '-p', p, '--noEmit']) !== 0)) {
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}

if (!args.includes('--no-build')) {
  // the search model too: the tests run the sources, which read what the build learns
  // (dist/search-models/), else each test process would learn its own. Not the rest of build:server:
  // test/built-entry.test.ts builds that, and a store template swapped under a starting server mid-run
  // would fail its copy.
  console.log('== build (search model, Hub, Dashboard)');
  const steps = [
    ['npx', ['tsc', '-p', 'tsconfig.json']],
    [process.execPath, [fileURLToPath(new URL('./build-search-models.mjs', import.meta.url))]],
    ['npm', ['run', '--silent', 'build:web']],
  ];
  if (steps.some(([cmd, cmdArgs]) => run(cmd, cmdArgs) !== 0)) {
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}

// The whole suite also checks that links to docs sections resolve (comments cite them).
if (!only.length) {
  console.log('== doc links');
  if (run(process.execPath, [fileURLToPath(new URL('./check-doc-links.mjs', import.meta.url))]) !== 0) {
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}

const files = only.length ? only : testFiles('test');
const stores = [['pglite', {}]];
if (process.env.TEST_DATABASE_URL) stores.push(['postgres', { LINKHUB_TEST_DATABASE_URL: process.env.TEST_DATABASE_URL }]);
else if (ci) {
  console.error('TEST_DATABASE_URL is not set: under CI=true the suite must also run on PostgreSQL');
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
} else console.log('(TEST_DATABASE_URL not set: running on PGlite only)');

const totals = { pass: 0, fail: 0, skipped: 0 };
const skipped = [];
let failedRun = false;
for (const [store, env] of stores) {
  console.log(`\n== suite on ${store} (${files.length} files)`);
  const dir = mkdtempSync(join(tmpdir(), 'linkhub-test-'));
  const tapFile = join(dir, 'tap.txt');
  const skipFile = join(dir, 'skipped.jsonl');
  const status = run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-timeout=600000',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      `--test-reporter=${SKIP_REPORTER}`,
      `--test-reporter-destination=${skipFile}`,
      ...files,
    ],
    { LINKHUB_TEST_STORE: store, ...env },
  );
  const tap = readFileSync(tapFile, 'utf8');
  const count = (k) => Number((tap.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  // One line per skipped or todo test or suite (a skipped suite counts once).
  const skips = readFileSync(skipFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ store, ...JSON.parse(line) }));
  skipped.push(...skips);
  rmSync(dir, { recursive: true, force: true });
  const r = { pass: count('pass'), fail: count('fail') + count('cancelled'), skipped: skips.length };
  console.log(`${store}: ${r.pass} passed, ${r.fail} failed, ${r.skipped} skipped`);
  for (const k of Object.keys(totals)) totals[k] += r[k];
  if (status !== 0) failedRun = true;
}

if (skipped.length > 0) {
  const list = skipped.map((s) => `  - [${s.store}] ${s.file}: ${s.name} (${s.reason})`).join('\n');
  if (ci) {
    console.error(`\nFAIL: ${skipped.length} test(s) skipped under CI=true; every test must run in CI:\n${list}`);
    failedRun = true;
  } else {
    const bar = '!'.repeat(78);
    console.warn(`\n${bar}\nWARNING: ${skipped.length} test(s) SKIPPED; they did not run and would fail under CI=true:\n${list}\n${bar}`);
  }
}
if (failedRun && totals.fail === 0) totals.fail = 1;
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failedRun ? 1 : 0);
