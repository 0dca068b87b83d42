// The production start: `npm run build` compiles once (build:server here: tsc and the build info),
// then `npm start` (node dist/src/main.js) and the package's bin (`linkhub start`, dist/src/cli.js)
// run the compiled code with plain node and build nothing. Also checked: what the compiled code
// imports at run time is a dependency (so `npm prune --omit=dev` keeps it), and /healthz and
// /readyz name the version and the commit of the build.
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectRoot } from '../src/paths.js';
import { callApi, childStore, type ChildStore, killAllLinkhubProcesses, linkAccount, startLinkhubProcess } from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
const dist = join(projectRoot, 'dist', 'src');
const cli = join(projectRoot, pkg.bin.linkhub);

let stripe: StripeStandin;
const stores: ChildStore[] = [];
before(async () => {
  stripe = await startStripeStandin();
  const build = spawnSync('npm', ['run', '--silent', 'build:server'], { cwd: projectRoot, encoding: 'utf8' });
  assert.equal(build.status, 0, `npm run build:server failed:\n${build.stdout}${build.stderr}`);
});
after(async () => {
  await killAllLinkhubProcesses();
  for (const s of stores) await s.drop().catch(() => {});
  await stripe?.close();
});

const gitHead = () => {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

/** Every .js file under `dir`. */
function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return jsFiles(p);
    return name.endsWith('.js') ? [p] : [];
  });
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('the build', () => {
  test('npm start and the bin run the compiled code and never build', () => {
    // V8's young generation doubled (README, Running it): measured by bench/proxy.ts, which starts Linkhub with these flags
    assert.equal(pkg.scripts.start, 'node --max-semi-space-size=32 dist/src/main.js');
    assert.equal(pkg.bin.linkhub, 'dist/src/cli.js');
    assert.match(pkg.scripts.build, /build:server/);
    assert.match(pkg.scripts.build, /build:web/);
    assert.ok(existsSync(cli), 'the bin is compiled');
    assert.match(readFileSync(cli, 'utf8'), /^#!\/usr\/bin\/env node\n/, 'the bin runs with node');
    assert.ok(existsSync(join(dist, 'store', 'pglite-worker.js')), 'the store thread is compiled too');
  });

  test('what the compiled code imports is a dependency (not a devDependency), so a pruned install runs', () => {
    const builtins = new Set(builtinModules);
    const imported = new Map<string, string>();
    for (const file of jsFiles(dist)) {
      const code = readFileSync(file, 'utf8');
      // static imports and re-exports (statements at the start of a line), side-effect imports, import()
      const statements = /^(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
      for (const m of code.matchAll(statements)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
        imported.set(packageOf(spec), file.slice(projectRoot.length + 1));
      }
    }
    assert.ok(imported.has('fastify'), `the scan finds imports: ${[...imported.keys()]}`);
    const notDependencies = [...imported].filter(([name]) => !(name in pkg.dependencies)).map(([name, file]) => `${name} (${file})`);
    assert.deepEqual(notDependencies, [], 'imported at run time but not in dependencies');
  });

  test('the bin: --version names the version and the commit; help; usage errors exit 2', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: projectRoot, encoding: 'utf8' });
    const version = run('--version');
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout, `linkhub ${pkg.version} (commit ${gitHead() ?? 'unknown'})\n`);
    const help = run('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: linkhub <command>/);
    assert.match(help.stdout, /\bstart\b/);
    for (const args of [[], ['bogus'], ['start', '--port', '1']]) {
      const r = run(...args);
      assert.equal(r.status, 2, `linkhub ${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', 'usage goes to stderr');
      assert.match(r.stderr, /Usage: linkhub (<command>|start)/);
    }
  });
});

describe('linkhub start (the compiled bin)', () => {
  test('serves on the embedded store (PGlite on its own thread): health names the build; writes and reads', async () => {
    const store = await childStore({ embedded: true });
    stores.push(store);
    const proc = await startLinkhubProcess({ ...store.env, LINKHUB_STRIPE_API_BASE: stripe.url }, 120_000, { file: cli, args: ['start'] });
    try {
      const build = { store: 'pglite', version: pkg.version, commit: gitHead() };
      assert.deepEqual((await callApi(proc.url, 'GET', '/healthz')).body, { status: 'ok', ...build });
      assert.deepEqual((await callApi(proc.url, 'GET', '/readyz')).body, { status: 'ready', ...build });
      const key = /\blh_[A-Za-z0-9]{20,}\b/.exec(proc.stdout())![0];
      const account = await linkAccount(proc.url, key, stripe.keys.secretTest, { origin_owner_id: 'built-1', origin_owner_name: 'Built' });
      const got = await callApi(proc.url, 'GET', `/accounts/${account.id}`, { key });
      assert.equal(got.status, 200, got.text);
      assert.equal(got.body.environment, 'test');
      const proxied = await callApi(proc.url, 'POST', '/unified/proxy', {
        key,
        headers: { 'x-account-id': account.id },
        body: { url: 'https://api.stripe.com', path: '/v1/customers?limit=1' },
      });
      assert.equal(proxied.status, 200, proxied.text);
      const logs = await callApi(proc.url, 'GET', `/requests/logs?account_id=${account.id}`, { key });
      assert.equal(logs.status, 200, logs.text);
      assert.ok(
        logs.body.data.some((r: { path: string }) => r.path.startsWith('/v1/customers')),
        `the proxied call is in the request log: ${logs.text}`,
      );
    } finally {
      assert.deepEqual(await proc.stop(), { code: 0, signal: null }, 'SIGTERM shuts down cleanly');
    }
  });

  test('npm start (dist/src/main.js) serves the store under test', async () => {
    const store = await childStore();
    stores.push(store);
    const [node, ...flags] = pkg.scripts.start.split(' ');
    assert.equal(node, 'node');
    const proc = await startLinkhubProcess(store.env, 120_000, { node: flags.slice(0, -1), file: join(projectRoot, flags.at(-1)!) });
    try {
      const ready = await callApi(proc.url, 'GET', '/readyz');
      assert.equal(ready.status, 200, ready.text);
      assert.equal(ready.body.store, store.kind);
    } finally {
      assert.deepEqual(await proc.stop(), { code: 0, signal: null });
    }
  });
});
