// The action-search task sets (dev.json: tuned on; dev2.json and held-out.json: written before a round
// of tuning, their misses read in a later one; fresh.json: written before a round, its misses read in
// the next; fresh2.json: written before the last round, never tuned on, only measured) and how a ranking
// is scored against them: top-1, top-5 and mean reciprocal rank. Shared by bench/search.ts (in
// process) and test/action-search.test.ts (over HTTP), so both count the same way.
import { readFileSync } from 'node:fs';

export interface SearchTask {
  query: string;
  /** Action names (without the connector prefix) that count as a right answer. */
  expect: string[];
  source: string;
}

export type TaskSet = 'dev' | 'dev2' | 'held-out' | 'fresh' | 'fresh2';

export function loadTasks(set: TaskSet): SearchTask[] {
  return (JSON.parse(readFileSync(new URL(`./${set}.json`, import.meta.url), 'utf8')) as { tasks: SearchTask[] }).tasks;
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
