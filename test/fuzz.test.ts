// The fuzz suite: requests generated from every route's schema in the live OpenAPI
// document, mutated with hostile values (test/fuzz/), sent to a real Linkhub with valid credentials,
// and then every hand-picked hostile value in every slot of every route. Every answer must be below
// 500 and every error in the documented error shape; the server must still serve afterwards.
// Seeded (FUZZ_SEED, FUZZ_RUNS to change): the same requests on every run, fast enough for CI;
// bench/fuzz.ts runs the same generator longer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { useLinkhub } from './helpers/fixture.js';
import { handPicked } from './fuzz/hand-picked.js';
import { type Operation, operations, requestFor, seedOf } from './fuzz/requests.js';
import { DASHBOARD_PASSWORD, describeSent, verdict, World } from './fuzz/world.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261104);
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

let world: World;
let ops: Operation[] = [];

useLinkhub({ env: { LINKHUB_ADMIN_PASSWORD: DASHBOARD_PASSWORD }, standin: { log: false } }, async (f) => {
  world = new World(f.lh, f.stripe);
  ops = operations(await (await fetch(`${f.lh.url}/openapi.json`)).json());
});

/** At most a few failures of a route in full: one cause usually repeats. */
const summary = (failures: string[]) => `${failures.length} bad answers, e.g.:\n${failures.slice(0, 5).join('\n')}`;

test('generated from each route schema: no 5xx, every error in the error shape', async (t) => {
  assert.ok(ops.length > 40, `the document lists ${ops.length} operations`);
  for (const op of ops) {
    await t.test(`${op.method} ${op.path}`, async () => {
      await world.refresh();
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (d) => {
          const sent = await world.send(d);
          const wrong = verdict(sent);
          if (wrong) failures.push(`${wrong}: ${describeSent(sent)}`);
        }),
        { seed: seedOf(SEED, op), numRuns: RUNS },
      );
      assert.equal(failures.length, 0, summary(failures));
    });
  }
  assert.equal(await world.stillServes(), null);
});

test('hand-picked hostile values in every slot of every route', async (t) => {
  for (const op of ops) {
    await t.test(`${op.method} ${op.path}`, async () => {
      await world.refresh();
      const failures: string[] = [];
      for (const d of handPicked(op)) {
        const sent = await world.send(d);
        const wrong = verdict(sent);
        if (wrong) failures.push(`${wrong}: ${describeSent(sent)}`);
      }
      assert.equal(failures.length, 0, summary(failures));
    });
  }
  assert.equal(await world.stillServes(), null);
});
