// Several Linkhub nodes on one PostgreSQL database (real processes): how long a change made through
// one node takes to stop every other node (by notification, and by the fallback check when a
// notification is lost), the rate one account's calls reach the provider when they are spread over
// three nodes, against its limit, and whether nodes started together on an empty database all come up.
//   node --import tsx bench/cluster.ts [--trials 40] [--database-url postgres://…]
// Needs PostgreSQL (--database-url, BENCH_DATABASE_URL or TEST_DATABASE_URL).
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type Cluster, startCluster } from '../test/helpers/cluster.js';
import { callApi, killAllLinkhubProcesses, linkAccount } from '../test/helpers/process.js';

const { values: args } = parseArgs({ options: { trials: { type: 'string', default: '40' }, 'database-url': { type: 'string' } } });
const url = args['database-url'] ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!url) {
  console.log('bench/cluster.ts needs PostgreSQL: pass --database-url (or set BENCH_DATABASE_URL); nothing measured');
  process.exit(0);
}
process.env.LINKHUB_TEST_DATABASE_URL = url;
const TRIALS = Number(args.trials);
const RATE = 20;

const proxy = (c: Cluster, base: string, account: string) =>
  callApi(base, 'POST', '/unified/proxy', { key: c.apiKey, body: { method: 'get', path: '/v1/customers?limit=1' }, headers: { 'x-account-id': account } });

/** ms from now until `check` holds (polled as fast as the node answers). */
async function until(check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) if (performance.now() - started > 30_000) throw new Error('no change after 30 s');
  return performance.now() - started;
}

function summary(name: string, ms: number[]): void {
  const s = [...ms].sort((x, y) => x - y);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  console.log(
    `  ${name.padEnd(52)} p50 ${q(0.5).toFixed(1).padStart(7)} ms   p99 ${q(0.99).toFixed(1).padStart(7)} ms   max ${s[s.length - 1].toFixed(1).padStart(7)} ms   (n=${s.length})`,
  );
}

/** Delete through node A, then how long node B still serves the account. */
async function deletion(c: Cluster, behind: boolean): Promise<number> {
  const [a, b] = c.nodes;
  const account = (await linkAccount(a.url, c.apiKey, c.stripe.keys.secretTest)).id;
  await proxy(c, b.url, account);
  if (behind) {
    const client = new pg.Client({ connectionString: c.databaseUrl });
    await client.connect();
    await client.query('UPDATE accounts SET status = $1, updated_at = now() WHERE id = $2', ['inactive', account]);
    await client.end();
    return until(async () => (await proxy(c, b.url, account)).status === 412);
  }
  await callApi(a.url, 'DELETE', `/accounts/${account}`, { key: c.apiKey });
  return until(async () => (await proxy(c, b.url, account)).status === 404);
}

/** Rotate the key through node A, then how long node B still sends the old one. */
async function rotation(c: Cluster): Promise<number> {
  const [a, b] = c.nodes;
  const account = (await linkAccount(a.url, c.apiKey, c.stripe.keys.secretTest)).id;
  await proxy(c, b.url, account);
  const fresh = c.stripe.world.addKey({ kind: 'sk', mode: 'test', account: c.stripe.accounts.main.id });
  await callApi(a.url, 'PATCH', `/accounts/${account}`, { key: c.apiKey, body: { credentials: { api_key: fresh } } });
  return until(async () => {
    c.stripe.clearLog();
    await proxy(c, b.url, account);
    return c.stripe.log.at(-1)?.keyLast4 === fresh.slice(-4);
  });
}

/** Revoke an API key through node A, then how long node B still accepts it. */
async function revocation(c: Cluster): Promise<number> {
  const [a, b] = c.nodes;
  const created = await callApi(a.url, 'POST', '/api_keys', { key: c.apiKey, body: { name: 'bench' } });
  await callApi(b.url, 'GET', '/accounts?page_size=1', { key: created.body.key });
  await callApi(a.url, 'DELETE', `/api_keys/${created.body.id}`, { key: c.apiKey });
  return until(async () => (await callApi(b.url, 'GET', '/accounts?page_size=1', { key: created.body.key })).status === 401);
}

async function main(): Promise<void> {
  console.log(`Linkhub cluster on PostgreSQL, ${TRIALS} trials each\n`);
  let up = 0;
  const starts = 5;
  for (let i = 0; i < starts; i++) {
    const c = await startCluster({ nodes: 3 }).catch(() => null);
    if (c) {
      up++;
      await c.close();
    }
  }
  console.log(`  3 nodes started at once on an empty database: all up in ${up} of ${starts} trials\n`);

  const c = await startCluster({ nodes: 3, env: { LINKHUB_THROTTLE_TEST_RPS: String(RATE) } });
  try {
    const deleted: number[] = [];
    const rotated: number[] = [];
    const revoked: number[] = [];
    const behind: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      deleted.push(await deletion(c, false));
      rotated.push(await rotation(c));
      revoked.push(await revocation(c));
    }
    for (let i = 0; i < Math.min(TRIALS, 20); i++) behind.push(await deletion(c, true));
    console.log('  a change through node A, until node B acts on it (polling B as fast as it answers):');
    summary('account deleted: B stops sending its key', deleted);
    summary('key rotated: B sends the new key', rotated);
    summary('API key revoked: B refuses it', revoked);
    summary('changed behind the nodes (fallback check every 500 ms)', behind);

    const account = (await linkAccount(c.nodes[0].url, c.apiKey, c.stripe.keys.secretTest)).id;
    c.stripe.clearLog();
    const started = Date.now();
    const end = started + 6_000;
    await Promise.all(
      c.nodes.flatMap((n) =>
        Array.from({ length: 16 }, async () => {
          while (Date.now() < end) await proxy(c, n.url, account);
        }),
      ),
    );
    const steady = c.stripe.log.filter((e) => e.path === '/v1/customers' && e.at >= started + 1_000 && e.at < end).length / 5;
    console.log(
      `\n  one ${RATE}/s account called through 3 nodes (48 callers): ${steady.toFixed(1)} calls/s reached the provider = ${(steady / RATE).toFixed(3)}× its limit (goal ≤ 1.1×)`,
    );
  } finally {
    await c.close();
    await killAllLinkhubProcesses();
  }
}

main().catch(async (e) => {
  console.error(e);
  await killAllLinkhubProcesses();
  process.exit(1);
});
