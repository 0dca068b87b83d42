// `npm run bench`: runs every bench/*.ts except this file, one at a time, each as its own
// child process (so benches cannot disturb each other), and sums up. Extra arguments select
// benches by name: `npm run bench -- proxy rpc`. Exit code 1 when any bench fails.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).map((a) => a.replace(/\.ts$/, ''));
const benches = readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts') && e.name !== self && !e.name.endsWith('.d.ts'))
  .map((e) => e.name)
  .filter((n) => only.length === 0 || only.includes(n.replace(/\.ts$/, '')))
  .sort();

if (benches.length === 0) {
  console.error(only.length ? `no bench named ${only.join(', ')} in bench/` : 'no benches in bench/');
  process.exit(1);
}

const results: { name: string; status: number | null; seconds: number }[] = [];
for (const name of benches) {
  console.log(`\n=== bench/${name}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, name)], { stdio: 'inherit', env: process.env });
  results.push({ name, status: r.status, seconds: (Date.now() - t0) / 1000 });
}

console.log('\n=== summary');
for (const r of results)
  console.log(`  ${r.status === 0 ? 'ok  ' : 'FAIL'}  bench/${r.name} (${r.seconds.toFixed(1)} s)${r.status === 0 ? '' : `, exit ${r.status}`}`);
process.exit(results.every((r) => r.status === 0) ? 0 : 1);
