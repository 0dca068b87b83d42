#!/usr/bin/env node
// The one test command (`npm test`): type-check, then the whole suite on the embedded
// PGlite store, then again on PostgreSQL when TEST_DATABASE_URL is set.
// Under CI=true a missing TEST_DATABASE_URL is a failure, not a skip.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ci = process.env.CI === 'true';
const args = process.argv.slice(2);
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
  console.log('== build web assets (Hub, Dashboard)');
  if (run('npm', ['run', '--silent', 'build:web']) !== 0) {
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
let failedRun = false;
for (const [store, env] of stores) {
  console.log(`\n== suite on ${store} (${files.length} files)`);
  const tapFile = join(mkdtempSync(join(tmpdir(), 'linkhub-test-')), 'tap.txt');
  const status = run(process.execPath, [
    '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...files,
  ], { LINKHUB_TEST_STORE: store, ...env });
  const tap = readFileSync(tapFile, 'utf8');
  const count = (k) => Number((tap.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  // Node's '# skipped' summary leaves out skipped suites (describe with skip): count every
  // '# SKIP' / '# TODO' result line instead (a skipped suite counts once).
  const skipLines = (tap.match(/^\s*ok \d+ - .*# (?:SKIP|TODO)\b/gm) ?? []).length;
  const r = { pass: count('pass'), fail: count('fail') + count('cancelled'), skipped: Math.max(count('skipped') + count('todo'), skipLines) };
  console.log(`${store}: ${r.pass} passed, ${r.fail} failed, ${r.skipped} skipped`);
  for (const k of Object.keys(totals)) totals[k] += r[k];
  if (status !== 0) failedRun = true;
}
if (failedRun && totals.fail === 0) totals.fail = 1;
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failedRun ? 1 : 0);
