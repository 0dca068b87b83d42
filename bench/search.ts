// Plain-language action search: top-1, top-5 and mean reciprocal rank on every task set (test/search/tasks.ts
// says which the ranking learns from and which it has never seen), with the latency of one query (p50/p99
// over every query of the sets, several rounds). On the unseen sets it also ranks, in the same run,
// without the learned second pass (the ranking alone, learning the labelled requests' words) and with the
// labelled requests left out altogether (the ranking as it was before it learned from them): what each
// step of learning brings on wording nobody tuned for; and it cross-validates over every labelled request
// (each fold searched by an index and a second pass that learned from the other folds only). The model is
// learned here from the sources (about a minute per model on two cores), not read from a build. Lists the development set's misses and says whether the
// unseen set reaches issue 13's aim (top-1 93 %, top-5 99 %). Exits 1 when a task expects an action the
// catalogue does not have.
// Run: node --import tsx bench/search.ts
import { performance } from 'node:perf_hooks';
import { stripeConnector } from '../src/connectors/stripe/connector.js';
import type { ConnectorDefinition } from '../src/connectors/types.js';
import { searchActions } from '../src/services/actions/search.js';
import { learnSearchModel, learningFrom } from '../src/services/actions/search-learn.js';
import { useSearchModel } from '../src/services/actions/search-model.js';
import { rankActions } from '../src/services/actions/search-rank.js';
import { LEARNED_SETS, loadTasks, rankOf, type SearchTask, type Scores, score, type TaskSet, UNSEEN_SETS } from '../test/search/tasks.js';

/** Issue 13's aim. */
const GOAL = { top1: 0.93, top5: 0.99 };
/** Rounds of every query of the sets for the latency (over 15,000 queries a round). */
const ROUNDS = 5;
const connector = stripeConnector;
const prefix = connector.actions.prefix;
const unlearned = learningFrom(connector, 'unlearned', []);
/** How a set is searched: the whole search, or the ranking alone (no second pass). */
type Search = (c: ConnectorDefinition, query: string, topK: number) => { action: { name: string } }[];
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const line = (name: string, s: Scores) =>
  console.log(
    `${name.padEnd(30)} ${String(s.n).padStart(4)} tasks   top-1 ${pct(s.top1).padStart(6)}   top-5 ${pct(s.top5).padStart(6)}   MRR ${s.mrr.toFixed(3)}`,
  );

const t0 = performance.now();
useSearchModel(connector.key, learnSearchModel(connector));
searchActions(connector, 'warm up');
console.log(`index built and second pass learned in ${((performance.now() - t0) / 1000).toFixed(1)} s (first query)`);

const ranks = (tasks: readonly SearchTask[], c: ConnectorDefinition = connector, search: Search = searchActions) =>
  tasks.map((task) =>
    rankOf(
      task,
      search(c, task.query, 20).map((m) => m.action.name),
      prefix,
    ),
  );
const run = (set: TaskSet, c: ConnectorDefinition = connector, search: Search = searchActions) => ranks(loadTasks(set), c, search);
console.log('learned from (training scores):');
const dev = run('dev');
for (const set of LEARNED_SETS) line(`  ${set}`, set === 'dev' ? score(dev) : score(run(set)));
console.log('never seen:');
const unseenRuns = UNSEEN_SETS.map((set) => {
  const results = run(set);
  line(`  ${set}`, score(results));
  line(`  ${set}, no second pass`, score(run(set, connector, rankActions)));
  line(`  ${set}, requests not learned`, score(run(set, unlearned)));
  return results;
});
const unseen = unseenRuns.map(score);
line('  all of them, pooled', score(unseenRuns.flat()));

// every labelled request searched by an index and a second pass that learned from the others only (5
// folds; each fold's second pass is learned from its own inner folds): what learning gives on wording it
// has not seen, over far more requests than the unseen sets have
const FOLDS = 5;
const labelled = LEARNED_SETS.flatMap((set) => loadTasks(set));
const folds = Array.from({ length: FOLDS }, (_, k) => ({
  c: learningFrom(
    connector,
    `fold-${k}`,
    labelled.filter((_, i) => i % FOLDS !== k),
  ),
  tasks: labelled.filter((_, i) => i % FOLDS === k),
}));
console.log(`cross-validated (${FOLDS} folds over the ${labelled.length} labelled requests):`);
line('  learned from the other folds', score(folds.flatMap(({ c, tasks }) => ranks(tasks, c))));
line('  the same, no second pass', score(folds.flatMap(({ c, tasks }) => ranks(tasks, c, rankActions))));
line('  requests not learned', score(ranks(labelled, unlearned)));

const sets = [...LEARNED_SETS, ...UNSEEN_SETS];
const queries = sets.flatMap((set) => loadTasks(set)).map((t) => t.query);
const times: number[] = [];
for (let r = 0; r < ROUNDS; r++)
  for (const q of queries) {
    const s = performance.now();
    searchActions(connector, q);
    times.push(performance.now() - s);
  }
times.sort((a, b) => a - b);
const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
console.log(`latency per query (${times.length} queries): p50 ${at(0.5)} ms   p99 ${at(0.99)} ms   max ${at(1)} ms`);

const misses = dev.filter((r) => r.rank !== 1);
if (misses.length) console.log(`\ndev misses (${misses.length}): rank, query, expected → top 3`);
for (const m of misses)
  console.log(
    `  ${String(m.rank ?? '-').padStart(2)}  ${m.task.query}  [${m.task.expect.join(', ')}] → ${m.ranked
      .slice(0, 3)
      .map((n) => n.slice(prefix.length))
      .join(', ')}`,
  );
const aim = `the aim (top-1 ${pct(GOAL.top1)}, top-5 ${pct(GOAL.top5)})`;
const verdict = (s: Scores) => `${s.top1 >= GOAL.top1 && s.top5 >= GOAL.top5 ? 'at or over' : 'under'} ${aim}`;
for (const [i, s] of unseen.entries()) console.log(`${UNSEEN_SETS[i]}: ${verdict(s)}`);
console.log(`all of them, pooled: ${verdict(score(unseenRuns.flat()))}`);
// a task naming an action the catalogue does not have would count as a miss forever: that is a broken set
const unknown = sets
  .flatMap((set) => loadTasks(set))
  .flatMap((t) => t.expect)
  .filter((e) => !connector.actions.catalogue().byName.has(prefix + e));
if (unknown.length) {
  console.error(`FAIL: tasks expect actions the catalogue does not have: ${[...new Set(unknown)].join(', ')}`);
  process.exit(1);
}
