// Proxy overhead benchmark. Same request (GET /v1/customers?limit=3), same concurrency and
// duration, load from a separate process (undici Pool), each server in its own process:
//   (a) direct      load → Stripe stand-in
//   (b) passthrough load → bare undici passthrough (no auth, no logging) → stand-in   [baseline]
//   (c) proxy       load → Linkhub POST /unified/proxy (Basic auth, account lookup, throttle,
//                   retries, call log, request log lines) → stand-in
// Passthrough and proxy alternate over ROUNDS short rounds, so both meet the same machine: this
// machine's speed drifts by tens of percent over seconds, and short alternating rounds even that out.
// The figures are the median over rounds of each round's ratio to the passthrough round just before
// it (and their spread), and the p50 latency added over that round; no absolute thresholds.
// Linkhub runs in its default configuration (log level info: its request log lines are written to its
// stdout, a pipe this bench drains as a log collector would; LINKHUB_LOG_LEVEL is passed through only
// when set), PGlite store.
// Each run also prints the CPU per request of the server under test (split by thread: the API thread,
// then the busiest others, e.g. the embedded store's), of the load generator and of the stand-in.
// After the runs, the cost of the durable call records alone (one call-log entry per call, which is
// also its audit record, written as under load) is measured in the Linkhub process.
// Then BENCH_LATENCY_ROUNDS short alternating rounds at concurrency 1 measure the p50 Linkhub adds to a
// request by itself (at c=64 the p50 added is the throughput gap as queueing: p50 ≈ 64 / throughput).
// Env: BENCH_CONCURRENCY (64), BENCH_DURATION_MS (2000), BENCH_WARMUP_MS (500), BENCH_ROUNDS (10), BENCH_LATENCY_ROUNDS (5),
// BENCH_DATABASE_URL (run Linkhub on a fresh PostgreSQL database instead of PGlite), BENCH_CPU_PROF=<dir>
// (profile the whole Linkhub process), BENCH_PROFILE=<file prefix> (profile the main thread of Linkhub (proxy and
// native rounds) and of the passthrough during each of their measured rounds; each file's request count is printed).
// BENCH_FLOOR=1: also run, in every round, Fastify with Linkhub's logger forwarding the same request
// with undici and nothing else (bench/lib/roles.ts fastify-floor), and the same on a bare node:http
// server (http-floor): the two floors' gap is what the framework costs.
// BENCH_COMPARE=<another checkout> (e.g. a worktree of main): also run that checkout's Linkhub, in the
// same configuration (or at log level BENCH_COMPARE_LOG_LEVEL), in every round right after this one,
// and print its figures beside these.
// LINKHUB_LOG_LEVEL and LINKHUB_REQUEST_LOG_BODIES are passed through (default: Linkhub's defaults).
// Linkhub runs with the node flags of `npm start` (package.json); BENCH_LINKHUB_NODE_FLAGS and
// BENCH_COMPARE_NODE_FLAGS replace them (e.g. BENCH_COMPARE=. BENCH_COMPARE_NODE_FLAGS= compares with none).
import { combine, env, num, runLoad, startRole, warm, type LoadResult, type Role } from './lib/harness.js';

const concurrency = num('BENCH_CONCURRENCY', 64);
const durationMs = num('BENCH_DURATION_MS', 2000);
const warmupMs = num('BENCH_WARMUP_MS', 500);
const rounds = num('BENCH_ROUNDS', 10);
const latencyRounds = num('BENCH_LATENCY_ROUNDS', 5);
const PATH = '/v1/customers?limit=3';

async function main(): Promise<void> {
  console.log(`bench/proxy: GET ${PATH}, concurrency ${concurrency}, ${warmupMs} ms warm-up + ${durationMs} ms per run, ${rounds} rounds; ${env()}`);
  const roles: Role[] = [];
  try {
    const stripe = await startRole('standin');
    roles.push(stripe);
    const [pass, lh, load] = await Promise.all([
      startRole('passthrough', { UPSTREAM: stripe.info.url }),
      startRole('linkhub', { UPSTREAM: stripe.info.url, STRIPE_KEY: stripe.info.key }, { drainStdout: true }),
      startRole('load'),
    ]);
    roles.push(pass, lh, load);
    const compareDir = process.env.BENCH_COMPARE;
    const other = compareDir
      ? await startRole(
          'linkhub',
          // its roles.ts may have another default level: give it this one's (or BENCH_COMPARE_LOG_LEVEL)
          { UPSTREAM: stripe.info.url, STRIPE_KEY: stripe.info.key, LINKHUB_LOG_LEVEL: process.env.BENCH_COMPARE_LOG_LEVEL ?? lh.info.logLevel },
          { drainStdout: true, checkout: compareDir },
        )
      : null;
    if (other) roles.push(other);
    const floor = process.env.BENCH_FLOOR ? await startRole('fastify-floor', { UPSTREAM: stripe.info.url }, { drainStdout: true }) : null;
    if (floor) roles.push(floor);
    const rawFloor = process.env.BENCH_FLOOR ? await startRole('http-floor', { UPSTREAM: stripe.info.url }, { drainStdout: true }) : null;
    if (rawFloor) roles.push(rawFloor);
    console.log(
      `  Linkhub store: ${lh.info.store}, log level ${lh.info.logLevel}, request-log bodies: ${process.env.LINKHUB_REQUEST_LOG_BODIES ?? 'default'}, node flags: ${lh.info.nodeFlags || 'none'}` +
        (other ? ` (compared: ${other.info.nodeFlags || 'none'})` : ''),
    );
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

    const otherJob = other
      ? {
          ...proxyJob,
          name: 'proxy (compared)',
          origin: other.info.url,
          headers: { ...proxyJob.headers, authorization: other.info.auth, 'x-account-id': other.info.accountId },
        }
      : null;
    // The provider-native path (/v1/…) as the stripe SDK calls it, with an agent token as the key.
    const minted = await fetch(`${lh.info.url}/accounts/${lh.info.accountId}/agent_tokens`, {
      method: 'POST',
      headers: { authorization: lh.info.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    const nativeJob = { ...base, name: 'native /v1 (Linkhub)', origin: lh.info.url, headers: { authorization: `Bearer ${minted.token}` } };
    const nativeWarm = await warm(load, nativeJob);
    const proxyWarm = await warm(load, proxyJob);
    if (otherJob) await warm(load, otherJob);
    const floorJob = floor ? { ...proxyJob, name: 'fastify floor', origin: floor.info.url, headers: { ...proxyJob.headers, ...bearer } } : null;
    if (floorJob) await warm(load, floorJob);
    const rawFloorJob = rawFloor && floorJob ? { ...floorJob, name: 'node:http floor', origin: rawFloor.info.url } : null;
    if (rawFloorJob) await warm(load, rawFloorJob);
    await warm(load, { ...base, name: 'passthrough', origin: pass.info.url, headers: bearer });
    const direct = await runLoad(load, { ...base, name: 'direct (stand-in)', origin: stripe.info.url, headers: bearer }, stripe);
    const passes: LoadResult[] = [];
    const proxies: LoadResult[] = [];
    const others: LoadResult[] = [];
    const floors: LoadResult[] = [];
    const rawFloors: LoadResult[] = [];
    const natives: LoadResult[] = [];
    const linesBefore = lh.stdoutLines();
    for (let i = 0; i < rounds; i++) {
      // Each round: the passthrough, then the others in an order that turns round every round, so
      // none of them always runs right after the baseline (the position alone shifted ratios by ~10 %).
      const steps: (() => Promise<unknown>)[] = [
        async () => proxies.push(await profiled(lh, `${i + 1}`, () => runLoad(load, { ...proxyJob, name: `proxy #${i + 1}` }, lh, { 'stand-in': stripe }))),
      ];
      steps.push(async () =>
        natives.push(await profiled(lh, `native.${i + 1}`, () => runLoad(load, { ...nativeJob, name: `native #${i + 1}` }, lh, { 'stand-in': stripe }))),
      );
      if (floor && floorJob)
        steps.push(async () => floors.push(await runLoad(load, { ...floorJob, name: `fastify floor #${i + 1}` }, floor, { 'stand-in': stripe })));
      if (rawFloor && rawFloorJob)
        steps.push(async () => rawFloors.push(await runLoad(load, { ...rawFloorJob, name: `node:http floor #${i + 1}` }, rawFloor, { 'stand-in': stripe })));
      if (other && otherJob)
        steps.push(async () => others.push(await runLoad(load, { ...otherJob, name: `compared #${i + 1}` }, other, { 'stand-in': stripe })));
      if (i % 2 === 1) steps.reverse();
      passes.push(
        await profiled(pass, `pass.${i + 1}`, () =>
          runLoad(load, { ...base, name: `passthrough #${i + 1}`, origin: pass.info.url, headers: bearer }, pass, { 'stand-in': stripe }),
        ),
      );
      for (const step of steps) await step();
    }

    // At c=64 the load is a closed loop: p50 ≈ concurrency / throughput, so the p50 added there is the
    // throughput gap seen as queueing. The time Linkhub adds to one request is measured alone: one
    // request at a time, alternating, in short rounds.
    const single = { concurrency: 1, warmupMs: 200, durationMs: Math.max(500, durationMs / 2) };
    const addedAlone: number[] = [];
    const alone: LoadResult[] = [];
    const passAlone: LoadResult[] = [];
    const otherAlone: LoadResult[] = [];
    for (let i = 0; i < latencyRounds; i++) {
      const a = await runLoad(load, { ...base, ...single, name: `passthrough c=1 #${i + 1}`, origin: pass.info.url, headers: bearer }, pass);
      const b = await runLoad(load, { ...proxyJob, ...single, name: `proxy c=1 #${i + 1}` }, lh);
      addedAlone.push(b.p50 - a.p50);
      alone.push(b);
      passAlone.push(a);
      if (other && otherJob) otherAlone.push(await runLoad(load, { ...otherJob, ...single, name: `compared c=1 #${i + 1}` }, other));
    }

    const p = combine('passthrough', passes);
    const x = combine('proxy', proxies);
    const stats = await lh.request({ type: 'stats' }, 'stats');
    const records = await lh.request({ type: 'record-cost', n: 20_000 }, 'record-cost');
    const errors = direct.errors + p.errors + x.errors;

    const ratios = proxies.map((r, i) => r.rps / passes[i].rps);
    const addedP50 = proxies.map((r, i) => r.p50 - passes[i].p50);
    const spread = (v: number[], d: number) => `${Math.min(...v).toFixed(d)}–${Math.max(...v).toFixed(d)}`;
    const measured = [...proxies, ...alone, ...natives].reduce((n, r) => n + r.total, 0);
    const logLines = (lh.stdoutLines() - linesBefore) / Math.max(1, measured);

    console.log('\n  summary (mean of rounds)');
    console.log(`    direct        ${direct.rps.toFixed(0).padStart(6)} req/s   p50 ${direct.p50.toFixed(2)} ms   p99 ${direct.p99.toFixed(2)} ms`);
    console.log(`    passthrough   ${p.rps.toFixed(0).padStart(6)} req/s   p50 ${p.p50.toFixed(2)} ms   p99 ${p.p99.toFixed(2)} ms   (baseline)`);
    console.log(`    proxy         ${x.rps.toFixed(0).padStart(6)} req/s   p50 ${x.p50.toFixed(2)} ms   p99 ${x.p99.toFixed(2)} ms`);
    console.log(
      `    throughput proxy/passthrough  median ${median(ratios).toFixed(3)}× (rounds ${spread(ratios, 2)}; mean of rounds ${(x.rps / p.rps).toFixed(3)}×)   (goal ≥ 0.95×)`,
    );
    console.log(`      per round: ${ratios.map((v) => v.toFixed(2)).join(', ')}`);
    const nRatios = natives.map((r, i) => r.rps / passes[i].rps);
    console.log(
      `    throughput native /v1 (agent token)/passthrough  median ${median(nRatios).toFixed(3)}× (rounds ${spread(nRatios, 2)})   (goal ≥ 0.95×); ` +
        `p50 added median ${median(natives.map((r, i) => r.p50 - passes[i].p50)).toFixed(3)} ms; CPU per request median ${cpuMedian(natives)} µs`,
    );
    console.log(`    throughput passthrough/direct ${(p.rps / direct.rps).toFixed(3)}×`);
    console.log(
      `    added latency vs passthrough  p50 median ${median(addedP50).toFixed(3)} ms (rounds ${spread(addedP50, 2)}) (goal ≤ 0.1 ms)   p99 ${(x.p99 - p.p99).toFixed(3)} ms (mean of rounds)`,
    );
    if (addedAlone.length) {
      console.log(
        `    added latency, one request at a time (c=1): p50 median ${median(addedAlone).toFixed(3)} ms (rounds ${spread(addedAlone, 3)}) (goal ≤ 0.1 ms)`,
      );
      // With one request at a time the machine is not saturated: the steadiest CPU figures of a run.
      console.log(
        `      server CPU per request at c=1, median of rounds: proxy ${cpuMedian(alone)} µs, passthrough ${cpuMedian(passAlone)} µs` +
          (otherAlone.length
            ? `, compared ${cpuMedian(otherAlone)} µs (p50 added ${median(otherAlone.map((r, k) => r.p50 - passAlone[k].p50)).toFixed(3)} ms)`
            : ''),
      );
    }
    console.log(`    Linkhub log lines per proxied request (log level ${lh.info.logLevel}): ${logLines.toFixed(2)}`);
    if (floors.length) {
      const f = combine('floor', floors);
      const fRatios = floors.map((r, i) => r.rps / passes[i].rps);
      console.log(
        `    fastify floor (Fastify + Linkhub's log line + undici, nothing else): throughput median ${median(fRatios).toFixed(3)}× (rounds ${spread(fRatios, 2)}), ` +
          `p50 added median ${median(floors.map((r, i) => r.p50 - passes[i].p50)).toFixed(3)} ms, CPU per request median ${cpuMedian(floors)} µs (mean ${f.cpuPerRequestUs?.toFixed(0)})`,
      );
    }
    if (rawFloors.length) {
      const f = combine('raw floor', rawFloors);
      const fRatios = rawFloors.map((r, i) => r.rps / passes[i].rps);
      console.log(
        `    node:http floor (the same minus Fastify): throughput median ${median(fRatios).toFixed(3)}× (rounds ${spread(fRatios, 2)}), ` +
          `p50 added median ${median(rawFloors.map((r, i) => r.p50 - passes[i].p50)).toFixed(3)} ms, CPU per request median ${cpuMedian(rawFloors)} µs (mean ${f.cpuPerRequestUs?.toFixed(0)})`,
      );
      // Each round's two floors met the same machine: their difference is steadier than either median.
      const framework = floors.map((r, i) => (r.cpuPerRequestUs ?? Number.NaN) - (rawFloors[i].cpuPerRequestUs ?? Number.NaN));
      if (framework.length)
        console.log(
          `      Fastify's own cost, fastify floor − node:http floor CPU per request in the same round: median ${median(framework).toFixed(1)} µs (rounds ${spread(framework, 0)})`,
        );
    }
    if (others.length) {
      const o = combine('compared', others);
      const oRatios = others.map((r, i) => r.rps / passes[i].rps);
      console.log(
        `    compared (${compareDir}, log level ${other?.info.logLevel ?? '?'}): throughput median ${median(oRatios).toFixed(3)}× (rounds ${spread(oRatios, 2)}), ` +
          `p50 added median ${median(others.map((r, i) => r.p50 - passes[i].p50)).toFixed(3)} ms, CPU per request median ${cpuMedian(others)} µs (mean ${o.cpuPerRequestUs?.toFixed(0)}); ` +
          `this/compared per round: median ${median(proxies.map((r, i) => r.rps / others[i].rps)).toFixed(3)}×`,
      );
    }
    if (x.cpuPerRequestUs !== undefined && p.cpuPerRequestUs !== undefined) {
      console.log(
        `    server CPU per request, median of rounds: proxy ${cpuMedian(proxies)} µs vs passthrough ${cpuMedian(passes)} µs ` +
          `(per round ${median(proxies.map((r, i) => (r.cpuPerRequestUs ?? 0) / (passes[i].cpuPerRequestUs ?? 1))).toFixed(2)}×); ` +
          `mean ${x.cpuPerRequestUs.toFixed(0)} vs ${p.cpuPerRequestUs.toFixed(0)} µs; stand-in ${direct.cpuPerRequestUs?.toFixed(0)} µs`,
      );
    }
    if (x.cpuPerRequestUs !== undefined) {
      console.log(
        `    durable call records alone (call-log entry = audit record, ${lh.info.store}, measured after the runs): ${records.us.toFixed(0)} µs CPU per call ` +
          `= ${((records.us / x.cpuPerRequestUs) * 100).toFixed(0)} % of the proxy's CPU per request (under load they cost more)`,
      );
    }
    // Every proxied call must be in the call log (warm-up included): the records are really written.
    const sent = proxyWarm.total + nativeWarm.total + measured;
    console.log(`    calls in the call log: ${stats.logged} of ${sent} proxied and native; dropped: ${stats.dropped}; failed requests: ${errors}`);
    if (errors > 0 || stats.logged !== sent) process.exitCode = 1;
  } finally {
    await Promise.all(roles.reverse().map((r) => r.stop()));
  }
}

/** BENCH_PROFILE=<prefix>: the main thread of `role` profiled during `run` into <prefix>.<name>.cpuprofile, with the requests it served. */
async function profiled(role: Role, name: string, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const prefix = process.env.BENCH_PROFILE;
  if (!prefix) return run();
  await role.request({ type: 'profile-start' }, 'profile-started');
  const r = await run();
  const file = `${prefix}.${name}.cpuprofile`;
  await role.request({ type: 'profile-stop', file }, 'profile-stopped');
  console.log(`    profile ${file}: ${r.total} requests`);
  return r;
}

/** Median over rounds of the server's CPU per request (µs): a round the machine stalled weighs no more than another. */
const cpuMedian = (rs: LoadResult[]) => median(rs.map((r) => r.cpuPerRequestUs ?? Number.NaN)).toFixed(0);

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

main().catch((e: Error) => {
  console.error(`bench/proxy failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
