// Proxy overhead benchmark. Same request (GET /v1/customers?limit=3), same concurrency and
// duration, load from a separate process (undici Pool), each server in its own process:
//   (a) direct      load → Stripe stand-in
//   (b) passthrough load → bare undici passthrough (no auth, no logging) → stand-in   [baseline]
//   (c) proxy       load → Linkhub POST /unified/proxy (Basic auth, account lookup, throttle,
//                   retries, request log + audit) → stand-in
// Passthrough and proxy alternate over ROUNDS short rounds, so both meet the same machine: this
// machine's speed drifts by tens of percent over seconds, and short alternating rounds even that out. Figures are ratios
// against the baseline of the same run; no absolute thresholds. Linkhub runs with
// LINKHUB_LOG_LEVEL=warn (pino request logging off), PGlite store.
// Each run also prints the CPU per request of the server under test (split by thread: the API thread,
// then the busiest others, e.g. the embedded store's), of the load generator and of the stand-in.
// After the runs, the cost of the durable call records alone (one call-log entry per call, which is
// also its audit record, written as under load) is measured in the Linkhub process.
// Env: BENCH_CONCURRENCY (32), BENCH_DURATION_MS (2000), BENCH_WARMUP_MS (500), BENCH_ROUNDS (10),
// BENCH_DATABASE_URL (run Linkhub on a fresh PostgreSQL database instead of PGlite), BENCH_CPU_PROF=<dir>
// (profile the whole Linkhub process), BENCH_PROFILE=<file prefix> (profile its API thread during each
// measured proxy round only).
// LINKHUB_REQUEST_LOG_BODIES is passed through (default: Linkhub's default).
import { combine, env, num, runLoad, startRole, warm, type LoadResult, type Role } from './lib/harness.js';

const concurrency = num('BENCH_CONCURRENCY', 32);
const durationMs = num('BENCH_DURATION_MS', 2000);
const warmupMs = num('BENCH_WARMUP_MS', 500);
const rounds = num('BENCH_ROUNDS', 10);
const PATH = '/v1/customers?limit=3';

async function main(): Promise<void> {
  console.log(`bench/proxy: GET ${PATH}, concurrency ${concurrency}, ${warmupMs} ms warm-up + ${durationMs} ms per run, ${rounds} rounds; ${env()}`);
  const roles: Role[] = [];
  try {
    const stripe = await startRole('standin');
    roles.push(stripe);
    const [pass, lh, load] = await Promise.all([
      startRole('passthrough', { UPSTREAM: stripe.info.url }),
      startRole('linkhub', { UPSTREAM: stripe.info.url, STRIPE_KEY: stripe.info.key, LINKHUB_LOG_LEVEL: 'warn' }),
      startRole('load'),
    ]);
    roles.push(pass, lh, load);
    console.log(`  Linkhub store: ${lh.info.store}, log level warn, request-log bodies: ${process.env.LINKHUB_REQUEST_LOG_BODIES ?? 'default'}`);
    const bearer = { authorization: `Bearer ${stripe.info.key}` };
    const base = { concurrency, warmupMs, durationMs, method: 'GET' as const, path: PATH, expect: '"object":"list"' };
    const proxyJob = {
      ...base,
      name: 'proxy (Linkhub)',
      origin: lh.info.url,
      method: 'POST' as const,
      path: '/unified/proxy',
      headers: { authorization: lh.info.auth, 'x-account-id': lh.info.accountId, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://api.stripe.com', method: 'get', path: PATH }),
    };

    const proxyWarm = await warm(load, proxyJob);
    await warm(load, { ...base, name: 'passthrough', origin: pass.info.url, headers: bearer });
    const direct = await runLoad(load, { ...base, name: 'direct (stand-in)', origin: stripe.info.url, headers: bearer }, stripe);
    const passes: LoadResult[] = [];
    const proxies: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) {
      passes.push(await runLoad(load, { ...base, name: `passthrough #${i + 1}`, origin: pass.info.url, headers: bearer }, pass, { 'stand-in': stripe }));
      if (process.env.BENCH_PROFILE) await lh.request({ type: 'profile-start' }, 'profile-started');
      proxies.push(await runLoad(load, { ...proxyJob, name: `proxy #${i + 1}` }, lh, { 'stand-in': stripe }));
      if (process.env.BENCH_PROFILE) await lh.request({ type: 'profile-stop', file: `${process.env.BENCH_PROFILE}.${i + 1}.cpuprofile` }, 'profile-stopped');
    }
    const p = combine('passthrough', passes);
    const x = combine('proxy', proxies);
    const stats = await lh.request({ type: 'stats' }, 'stats');
    const records = await lh.request({ type: 'record-cost', n: 20_000 }, 'record-cost');
    const errors = direct.errors + p.errors + x.errors;

    console.log('\n  summary (mean of rounds)');
    console.log(`    direct        ${direct.rps.toFixed(0).padStart(6)} req/s   p50 ${direct.p50.toFixed(2)} ms   p99 ${direct.p99.toFixed(2)} ms`);
    console.log(`    passthrough   ${p.rps.toFixed(0).padStart(6)} req/s   p50 ${p.p50.toFixed(2)} ms   p99 ${p.p99.toFixed(2)} ms   (baseline)`);
    console.log(`    proxy         ${x.rps.toFixed(0).padStart(6)} req/s   p50 ${x.p50.toFixed(2)} ms   p99 ${x.p99.toFixed(2)} ms`);
    console.log(`    throughput proxy/passthrough  ${(x.rps / p.rps).toFixed(3)}×   (goal ≥ 0.85×)`);
    const perRound = proxies.map((r, i) => r.rps / passes[i].rps);
    console.log(
      `      per round: ${perRound.map((v) => v.toFixed(2)).join(', ')} (min ${Math.min(...perRound).toFixed(2)}, max ${Math.max(...perRound).toFixed(2)})`,
    );
    console.log(`    throughput passthrough/direct ${(p.rps / direct.rps).toFixed(3)}×`);
    console.log(`    added latency vs passthrough  p50 ${(x.p50 - p.p50).toFixed(3)} ms (goal ≤ 0.5 ms)   p99 ${(x.p99 - p.p99).toFixed(3)} ms`);
    if (x.cpuPerRequestUs !== undefined && p.cpuPerRequestUs !== undefined) {
      console.log(
        `    server CPU per request: proxy ${x.cpuPerRequestUs.toFixed(0)} µs vs passthrough ${p.cpuPerRequestUs.toFixed(0)} µs (${(x.cpuPerRequestUs / p.cpuPerRequestUs).toFixed(2)}×); stand-in ${direct.cpuPerRequestUs?.toFixed(0)} µs`,
      );
    }
    if (x.cpuPerRequestUs !== undefined) {
      console.log(
        `    durable call records alone (call-log entry = audit record, ${lh.info.store}, measured after the runs): ${records.us.toFixed(0)} µs CPU per call ` +
          `= ${((records.us / x.cpuPerRequestUs) * 100).toFixed(0)} % of the proxy's CPU per request (under load they cost more)`,
      );
    }
    // Every proxied call must be in the call log (warm-up included): the records are really written.
    const sent = proxyWarm.total + proxies.reduce((n, r) => n + r.total, 0);
    console.log(`    calls in the call log: ${stats.logged} of ${sent} proxied; dropped: ${stats.dropped}; failed requests: ${errors}`);
    if (errors > 0 || stats.logged !== sent) process.exitCode = 1;
  } finally {
    await Promise.all(roles.reverse().map((r) => r.stop()));
  }
}

main().catch((e: Error) => {
  console.error(`bench/proxy failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
