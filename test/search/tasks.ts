// The action-search task sets and how a ranking is scored against them: top-1, top-5 and mean
// reciprocal rank. Shared by bench/search.ts (in process) and test/action-search.test.ts (over HTTP), so
// both count the same way.
// - Sets the ranking learns from (src/connectors/stripe/search-examples/, the connector's labelled
//   requests): dev.json (the hand-tuned vocabulary was tuned on it), dev2.json, held-out.json, fresh.json
//   (each written before a round of tuning, their misses read in a later one) and fresh2.json (written
//   before a round, never tuned on; learned from since the round that wrote fresh3), and
//   per-action-1..32.json (nine rounds of five requests for every live action, each round in other
//   styles, written for the search to learn from without running it). Their scores are training scores.
// - Sets never seen, here, each written blind by a helper who read only the catalogue: fresh3.json (before
//   the ranking learned from labelled requests) and fresh4.json (during that round): their misses were
//   read while the second pass was built and suggested one of its features (the thing an object id
//   names), kept on cross-validation, so they are no longer quite blind; fresh5.json and
//   fresh6.json (before the second pass was built; totals looked at while it was, misses never read) and
//   fresh7.json and fresh8.json (while it was built; measured on its final code, before and after the
//   last round of labelled requests) and fresh9.json and fresh10.json (written after it was built, before
//   that last round; measured after it, and on the final code of that session) and fresh11.json and
//   fresh12.json (written in a later session before its changes: a ninth round of labelled requests and
//   the nearness of labelled requests in the second pass; measured on the code before them and on their
//   final code, misses never read). Never learned from: the figures for wording the search has not seen.
import { readdirSync, readFileSync } from 'node:fs';
import { stripeSearchExamplesDir } from '../../src/connectors/stripe/search-examples.js';

export interface SearchTask {
  query: string;
  /** Action names (without the connector prefix) that count as a right answer. */
  expect: string[];
  source: string;
}

/**
 * The sets the ranking learns from (every file of the connector's folder: the older sets first, then
 * the per-action rounds in order), then the ones it has never seen.
 */
const ORDER = ['dev', 'dev2', 'held-out', 'fresh', 'fresh2'];
const rank = (set: string) => (ORDER.includes(set) ? ORDER.indexOf(set) : ORDER.length + Number(/\d+$/.exec(set)?.[0] ?? 0));
export const LEARNED_SETS: readonly string[] = readdirSync(stripeSearchExamplesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort((x, y) => rank(x) - rank(y));
export const UNSEEN_SETS = ['fresh3', 'fresh4', 'fresh5', 'fresh6', 'fresh7', 'fresh8', 'fresh9', 'fresh10', 'fresh11', 'fresh12'] as const;
export type TaskSet = string;

export function loadTasks(set: TaskSet): SearchTask[] {
  const file = LEARNED_SETS.includes(set) ? `${stripeSearchExamplesDir}/${set}.json` : new URL(`./${set}.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { tasks: SearchTask[] }).tasks;
}

export interface TaskResult {
  task: SearchTask;
  /** 1-based rank of the first right answer, or null when none is in the ranking. */
  rank: number | null;
  ranked: string[];
}

/** Rank of the first right answer in `ranked` (action names with the connector prefix). */
export function rankOf(task: SearchTask, ranked: string[], prefix: string): TaskResult {
  const right = new Set(task.expect.map((e) => prefix + e));
  const i = ranked.findIndex((n) => right.has(n));
  return { task, rank: i < 0 ? null : i + 1, ranked };
}

export interface Scores {
  n: number;
  top1: number;
  top5: number;
  mrr: number;
}

export function score(results: TaskResult[]): Scores {
  const n = results.length;
  const share = (ok: (r: TaskResult) => boolean) => results.filter(ok).length / n;
  return {
    n,
    top1: share((r) => r.rank === 1),
    top5: share((r) => r.rank !== null && r.rank <= 5),
    mrr: results.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / n,
  };
}
