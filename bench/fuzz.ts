// The long fuzz run: test/fuzz.test.ts's generator with more runs per route (FUZZ_RUNS, default
// 1000) and the hand-picked sweep, against a real Linkhub in this process; counts instead of
// stopping at the first bad answer. Prints, per route and in total, the cases sent, the answers
// ≥ 500 and the errors outside the documented error shape; exits 1 when either count is not zero.
// Env: FUZZ_SEED (20261104), FUZZ_RUNS (1000), FUZZ_ROUTES (a substring of "METHOD /path" to pick
// routes), LINKHUB_TEST_STORE=postgres with LINKHUB_TEST_DATABASE_URL for PostgreSQL.
import fc from 'fast-check';
import { handPicked } from '../test/fuzz/hand-picked.js';
import { type Draft, operations, requestFor, seedOf } from '../test/fuzz/requests.js';
import { DASHBOARD_PASSWORD, describeSent, verdict, World } from '../test/fuzz/world.js';
import { startLinkhub } from '../test/helpers/linkhub.js';
import { startStripeStandin } from '../test/stripe-standin/index.js';

const seed = Number(process.env.FUZZ_SEED ?? 20261104);
const runs = Number(process.env.FUZZ_RUNS ?? 1000);
const only = process.env.FUZZ_ROUTES ?? '';

interface Tally {
  cases: number;
  fivexx: number;
  shape: number;
  examples: string[];
}

async function main(): Promise<void> {
  const stripe = await startStripeStandin({ log: false });
  const lh = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_ADMIN_PASSWORD: DASHBOARD_PASSWORD, LINKHUB_LOG_LEVEL: 'warn' } });
  const world = new World(lh, stripe);
  const total: Tally = { cases: 0, fivexx: 0, shape: 0, examples: [] };
  const started = Date.now();
  console.log(`bench/fuzz: seed ${seed}, ${runs} generated requests per route plus the hand-picked sweep; store ${process.env.LINKHUB_TEST_STORE ?? 'pglite'}`);
  try {
    const ops = operations(await (await fetch(`${lh.url}/openapi.json`)).json()).filter((op) => `${op.method} ${op.path}`.includes(only));
    for (const op of ops) {
      const tally: Tally = { cases: 0, fivexx: 0, shape: 0, examples: [] };
      const record = async (d: Draft) => {
        const sent = await world.send(d);
        tally.cases++;
        const wrong = verdict(sent);
        if (!wrong) return;
        if (sent.status >= 500) tally.fivexx++;
        else tally.shape++;
        if (tally.examples.length < 3) tally.examples.push(`${wrong}: ${describeSent(sent)}`);
      };
      await world.refresh();
      await fc.assert(fc.asyncProperty(requestFor(op), record), { seed: seedOf(seed, op), numRuns: runs });
      await world.refresh();
      for (const d of handPicked(op)) await record(d);
      total.cases += tally.cases;
      total.fivexx += tally.fivexx;
      total.shape += tally.shape;
      const flag = tally.fivexx || tally.shape ? '  <-' : '';
      console.log(
        `  ${`${op.method} ${op.path}`.padEnd(52)} ${String(tally.cases).padStart(6)} cases ${String(tally.fivexx).padStart(5)} ≥500 ${String(tally.shape).padStart(4)} shape${flag}`,
      );
      for (const e of tally.examples) console.log(`      ${e}`);
    }
    const still = await world.stillServes();
    console.log(
      `total: ${total.cases} cases, ${total.fivexx} answers ≥ 500, ${total.shape} errors outside the error shape; ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    console.log(still === null ? 'still serving afterwards' : `NOT SERVING afterwards: ${still}`);
    process.exitCode = total.fivexx || total.shape || still !== null ? 1 : 0;
  } finally {
    await lh.close();
    await stripe.close();
  }
}

await main();
