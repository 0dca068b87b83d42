// Action executor vs proxy: POST /actions/rpc {action: stripe_list_customers, query: {limit: 3}}
// against POST /unified/proxy doing the same Stripe call (GET /v1/customers?limit=3), same
// Linkhub, same concurrency and duration, load from a separate process, alternating rounds.
// The rpc path adds input validation (Ajv, compiled once), the pinned Stripe-Version, JSON parse
// of Stripe's answer and re-serialisation of {data, next}; the proxy splices Stripe's bytes.
// Ratios against the proxy of the same run. LINKHUB_LOG_LEVEL=warn, PGlite store.
// Env: BENCH_CONCURRENCY (32), BENCH_DURATION_MS (4000), BENCH_WARMUP_MS (1000), BENCH_ROUNDS (2).
import { combine, env, num, runLoad, startRole, warm, type LoadResult, type Role } from './lib/harness.js';

const concurrency = num('BENCH_CONCURRENCY', 32);
const durationMs = num('BENCH_DURATION_MS', 4000);
const warmupMs = num('BENCH_WARMUP_MS', 1000);
const rounds = num('BENCH_ROUNDS', 2);

async function main(): Promise<void> {
  console.log(
    `bench/rpc: stripe_list_customers {limit: 3} vs proxy GET /v1/customers?limit=3, concurrency ${concurrency}, ${warmupMs} ms warm-up + ${durationMs} ms per run, ${rounds} rounds; ${env()}`,
  );
  const roles: Role[] = [];
  try {
    const stripe = await startRole('standin');
    roles.push(stripe);
    const [lh, load] = await Promise.all([
      startRole('linkhub', { UPSTREAM: stripe.info.url, STRIPE_KEY: stripe.info.key, LINKHUB_LOG_LEVEL: 'warn' }),
      startRole('load'),
    ]);
    roles.push(lh, load);
    const headers = { authorization: lh.info.auth, 'x-account-id': lh.info.accountId, 'content-type': 'application/json' };
    const common = { concurrency, warmupMs, durationMs, origin: lh.info.url, method: 'POST' as const, headers };
    const proxyJob = {
      ...common,
      name: 'proxy',
      path: '/unified/proxy',
      body: JSON.stringify({ method: 'get', path: '/v1/customers?limit=3' }),
      expect: '"object":"list"',
    };
    const rpcJob = {
      ...common,
      name: 'rpc',
      path: '/actions/rpc',
      body: JSON.stringify({ action: 'stripe_list_customers', query: { limit: 3 } }),
      expect: '"next":"cus_',
    };
    await warm(load, proxyJob);
    await warm(load, rpcJob);
    const proxies: LoadResult[] = [];
    const rpcs: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) {
      proxies.push(await runLoad(load, { ...proxyJob, name: `proxy #${i + 1}` }, lh));
      rpcs.push(await runLoad(load, { ...rpcJob, name: `rpc #${i + 1}` }, lh));
    }
    const p = combine('proxy', proxies);
    const r = combine('rpc', rpcs);
    console.log('\n  summary (mean of rounds)');
    console.log(`    proxy   ${p.rps.toFixed(0).padStart(6)} req/s   p50 ${p.p50.toFixed(2)} ms   p99 ${p.p99.toFixed(2)} ms   (baseline)`);
    console.log(`    rpc     ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms`);
    console.log(`    Linkhub CPU per request: rpc ${r.cpuPerRequestUs?.toFixed(0)} µs vs proxy ${p.cpuPerRequestUs?.toFixed(0)} µs`);
    console.log(`    throughput rpc/proxy   ${(r.rps / p.rps).toFixed(3)}×`);
    console.log(`    added latency vs proxy p50 ${(r.p50 - p.p50).toFixed(3)} ms   p99 ${(r.p99 - p.p99).toFixed(3)} ms`);
    if (p.errors + r.errors > 0) {
      console.log(`    failed requests: ${p.errors + r.errors}`);
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(roles.reverse().map((x) => x.stop()));
  }
}

main().catch((e: Error) => {
  console.error(`bench/rpc failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
