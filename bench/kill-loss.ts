// The call log's loss window after kill -9 (README: a hard crash loses at most the last 100 ms of
// acknowledged calls). Each trial: a real Linkhub process on a fresh store answers a stream of proxied
// calls from a few clients, is SIGKILLed mid-stream and restarted; the window is the age, at the
// kill, of the oldest acknowledged call missing from the log (test/helpers/kill-loss.ts).
// Printed per trial, then p50 / max against the promised 100 ms, on PGlite and (with a database URL)
// on PostgreSQL.
//   node --import tsx bench/kill-loss.ts [--trials 8] [--clients 4] [--database-url postgres://…]
// PostgreSQL from --database-url, BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL.
import { parseArgs } from 'node:util';
import { startStripeStandin } from '../test/stripe-standin/index.js';

const { values: args } = parseArgs({
  options: { trials: { type: 'string', default: '8' }, clients: { type: 'string', default: '4' }, 'database-url': { type: 'string' } },
});
const url = args['database-url'] ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
// the helpers pick the store kind when they are loaded
if (url) {
  process.env.LINKHUB_TEST_STORE = 'postgres';
  process.env.LINKHUB_TEST_DATABASE_URL = url;
}
const { childStore, killAllLinkhubProcesses } = await import('../test/helpers/process.js');
const { killDuringCalls } = await import('../test/helpers/kill-loss.js');

const TRIALS = Number(args.trials);
const CLIENTS = Number(args.clients);
const PROMISE_MS = 100;

async function main(): Promise<void> {
  const stripe = await startStripeStandin();
  console.log(`Call log after kill -9: ${TRIALS} trials per store, ${CLIENTS} clients calling POST /unified/proxy for 1.5 s, then SIGKILL\n`);
  let broken = false;
  try {
    for (const kind of url ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
      const windows: number[] = [];
      for (let i = 0; i < TRIALS; i++) {
        const store = await childStore({ embedded: kind === 'pglite' });
        try {
          const r = await killDuringCalls({ store, stripeUrl: stripe.url, stripeKey: stripe.keys.secretTest, clients: CLIENTS });
          windows.push(r.window);
          console.log(
            `  ${kind.padEnd(8)} trial ${String(i + 1).padStart(2)}: ${String(r.acked).padStart(5)} acknowledged, ${String(r.lostAges.length).padStart(3)} lost, ` +
              `loss window ${r.window.toFixed(1).padStart(6)} ms (last answer ${r.lastAck.toFixed(1)} ms before the kill)${r.logged === 0 ? '  (nothing logged: no measure)' : ''}`,
          );
          if (r.logged === 0) broken = true;
        } finally {
          await store.drop();
        }
      }
      const s = [...windows].sort((a, b) => a - b);
      const p50 = s[Math.floor((s.length - 1) / 2)];
      const max = s[s.length - 1];
      console.log(
        `  ${kind}: loss window p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms = ${(max / PROMISE_MS).toFixed(2)}× the promised ${PROMISE_MS} ms\n`,
      );
      if (max >= PROMISE_MS) broken = true;
    }
    if (!url) console.log('  (PostgreSQL not measured: pass --database-url or set BENCH_DATABASE_URL)');
  } finally {
    await killAllLinkhubProcesses();
    await stripe.close();
  }
  if (broken) process.exitCode = 1;
}

main().catch(async (e: Error) => {
  console.error(`bench/kill-loss failed: ${e.stack ?? e.message}`);
  await killAllLinkhubProcesses();
  process.exit(1);
});
