// Plain-language action search: top-1, top-5 and mean reciprocal rank on every task set (test/search/tasks.ts
// says which the ranking learns from and which it has never seen), with the latency of one query (p50/p99
// over every query of the sets, several rounds). On the unseen set it also ranks, in the same run, with the
// connector's labelled requests left out (the ranking as it was before it learned from them): the gain
// learning brings on wording nobody tuned for; and it cross-validates learning over every labelled
// request (each fold ranked by an index that learned from the other folds). Lists the development set's misses and says whether the
// unseen set reaches issue 13's aim (top-1 93 %, top-5 99 %). Exits 1 when a task expects an action the
// catalogue does not have.
// Run: node --import tsx bench/search.ts
import { performance } from 'node:perf_hooks';
import { stripeConnector } from '../src/connectors/stripe/connector.js';
import type { ConnectorDefinition } from '../src/connectors/types.js';
import { searchActions } from '../src/services/actions/search.js';
import { LEARNED_SETS, loadTasks, rankOf, type SearchTask, type Scores, score, type TaskSet, UNSEEN_SETS } from '../test/search/tasks.js';

/** Issue 13's aim. */
const GOAL = { top1: 0.93, top5: 0.99 };
const ROUNDS = 20;
const connector = stripeConnector;
const prefix = connector.actions.prefix;
/** The same connector learning from other labelled requests (its own key: the search keeps one index per key). */
const learning = (key: string, examples: readonly SearchTask[]): ConnectorDefinition => ({
  ...connector,
  key: `${connector.key}-${key}`,
  actions: { ...connector.actions, vocabulary: { ...connector.actions.vocabulary, examples: () => examples } },
});
const unlearned = learning('unlearned', []);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const line = (name: string, s: Scores) =>
  console.log(
    `${name.padEnd(30)} ${String(s.n).padStart(4)} tasks   top-1 ${pct(s.top1).padStart(6)}   top-5 ${pct(s.top5).padStart(6)}   MRR ${s.mrr.toFixed(3)}`,
  );

const t0 = performance.now();
searchActions(connector, 'warm up');
console.log(`index built in ${(performance.now() - t0).toFixed(1)} ms (first query)`);

const run = (set: TaskSet, c: ConnectorDefinition = connector) =>
  loadTasks(set).map((task) =>
    rankOf(
      task,
      searchActions(c, task.query, 20).map((m) => m.action.name),
      prefix,
    ),
  );
console.log('learned from (training scores):');
const dev = run('dev');
for (const set of LEARNED_SETS) line(`  ${set}`, set === 'dev' ? score(dev) : score(run(set)));
console.log('never seen:');
const unseen = UNSEEN_SETS.map((set) => {
  const s = score(run(set));
  line(`  ${set}`, s);
  line(`  ${set}, requests not learned`, score(run(set, unlearned)));
  return s;
});

// every labelled request ranked by an index that learned from the others only (5 folds): what learning
// gives on wording it has not seen, over far more requests than the unseen set has
const FOLDS = 5;
const labelled = LEARNED_SETS.flatMap((set) => loadTasks(set));
const folded = Array.from({ length: FOLDS }, (_, k) => {
  const c = learning(
    `fold-${k}`,
    labelled.filter((_, i) => i % FOLDS !== k),
  );
  return labelled
    .filter((_, i) => i % FOLDS === k)
    .map((task) =>
      rankOf(
        task,
        searchActions(c, task.query, 20).map((m) => m.action.name),
        prefix,
      ),
    );
}).flat();
console.log(`cross-validated (${FOLDS} folds over the ${labelled.length} labelled requests):`);
line('  learned from the other folds', score(folded));
line(
  '  requests not learned',
  score(
    labelled.map((task) =>
      rankOf(
        task,
        searchActions(unlearned, task.query, 20).map((m) => m.action.name),
        prefix,
      ),
    ),
  ),
);

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
for (const [i, s] of unseen.entries()) console.log(`${UNSEEN_SETS[i]}: ${s.top1 >= GOAL.top1 && s.top5 >= GOAL.top5 ? 'at or over' : 'under'} ${aim}`);
// a task naming an action the catalogue does not have would count as a miss forever: that is a broken set
const unknown = sets
  .flatMap((set) => loadTasks(set))
  .flatMap((t) => t.expect)
  .filter((e) => !connector.actions.catalogue().byName.has(prefix + e));
if (unknown.length) {
  console.error(`FAIL: tasks expect actions the catalogue does not have: ${[...new Set(unknown)].join(', ')}`);
  process.exit(1);
}
