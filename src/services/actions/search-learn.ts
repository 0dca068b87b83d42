// How the second pass of action search (search-rerank.ts) learns from a connector's labelled requests.
// Each request is ranked by an index that did not learn it (five folds: an index per fold learns the
// other four), and its nearest labelled requests are that index's, so the model sees the ranking's
// mistakes and the nearness of wording it has not seen, as a user's query will be; then the model is
// fitted to put the labelled action first among those candidates (a softmax over them, AdaGrad steps,
// a little L2). Deterministic: the same requests and code give the same
// weights. Hand-written: a few dozen lines of a linear model over hashed features, where a machine
// learning library would bring tensors, native code or a download for no better fit.
import { createHash } from 'node:crypto';
import type { SearchExample } from '../../connectors/actions.js';
import type { ConnectorDefinition } from '../../connectors/types.js';
import type { Doc } from './search-index.js';
import { NEAR_FEATURES } from './search-neighbours.js';
import { forgetIndex, rankActions, searchIndex } from './search-rank.js';
import { baseFeature, featureSlots, modelQuery, modelScore, nearOf, RERANK_DEPTH, type SearchModel } from './search-rerank.js';

/**
 * Chosen by 5-fold cross-validation over the labelled requests (bench/search.ts): 2^18 weights (as good
 * as one per feature; 1 MB), eight passes, step 0.03 (0.05 and 0.1 fit worse, 0.02 no better); the
 * nearness weights, which every case moves, step 0.1.
 */
const BITS = 18;
const EPOCHS = 8;
const STEP = 0.03;
const NEAR_STEP = 0.1;
const L2 = 1e-5;
const FOLDS = 5;

/** What a model was learned from: the labelled requests and the catalogue's names, as a digest. */
export function modelFingerprint(connector: ConnectorDefinition, examples: readonly SearchExample[]): string {
  const h = createHash('sha256');
  for (const a of connector.actions.catalogue().actions) h.update(`${a.name}\n`);
  for (const e of examples) h.update(`${e.query}\t${e.expect.join(' ')}\n`);
  return h.digest('hex');
}

/** The same connector learning the given requests only (its own key: the search keeps an index per key). */
export function learningFrom(connector: ConnectorDefinition, key: string, examples: readonly SearchExample[]): ConnectorDefinition {
  return {
    ...connector,
    key: `${connector.key}-${key}`,
    actions: { ...connector.actions, vocabulary: { ...connector.actions.vocabulary, examples: () => examples } },
  };
}

/** A labelled request as the model learns from it: the ranking's candidates, the right ones marked. */
export interface Case {
  /** the fold whose index did not learn it */
  fold: number;
  base: number[];
  slots: number[][];
  /** each candidate's nearness to the query, among the requests the fold's index learned */
  near: number[][];
  right: boolean[];
}

/** Learns the second pass from the requests (the connector's own when not given); null when there are none. */
export function learnSearchModel(connector: ConnectorDefinition, examples = connector.actions.vocabulary.examples?.() ?? []): SearchModel | null {
  return examples.length < FOLDS ? null : fit(learningCases(connector, examples));
}

/** Each labelled request with the candidates an index of the other folds ranks for it (those whose candidates hold a right one). */
export function learningCases(connector: ConnectorDefinition, examples: readonly SearchExample[]): Case[] {
  const idx = searchIndex(connector);
  const docs = new Map<string, Doc>(idx.docs.map((d) => [d.action.name, d]));
  const prefix = connector.actions.prefix;
  const cases: Case[] = [];
  for (let k = 0; k < FOLDS; k++) {
    const fold = learningFrom(
      connector,
      `learn-${k}`,
      examples.filter((_, i) => i % FOLDS !== k),
    );
    for (const [i, e] of examples.entries()) {
      if (i % FOLDS !== k) continue;
      const ranked = rankActions(fold, e.query, RERANK_DEPTH);
      const right = new Set(e.expect.map((n) => prefix + n));
      if (!ranked.some((r) => right.has(r.action.name))) continue;
      const q = modelQuery(idx, e.query);
      cases.push({
        fold: k,
        base: ranked.map((r) => baseFeature(r.score)),
        slots: ranked.map((r) => featureSlots(q, docs.get(r.action.name)!, BITS)),
        near: nearOf(
          searchIndex(fold),
          q,
          ranked.map((r) => r.action.name),
        ),
        right: ranked.map((r) => right.has(r.action.name)),
      });
    }
    forgetIndex(fold.key);
  }
  return cases;
}

/** Fits the weights: each case's labelled candidates should take the softmax's mass. */
export function fit(cases: readonly Case[], { epochs = EPOCHS, step = STEP, l2 = L2 } = {}): SearchModel {
  const w = new Float64Array(1 << BITS);
  const g2 = new Float64Array(1 << BITS);
  let base = 1;
  let baseG2 = 0;
  const near = new Array<number>(NEAR_FEATURES).fill(0);
  const nearG2 = new Array<number>(NEAR_FEATURES).fill(0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const c of cases) {
      const z = c.slots.map((slots, i) => modelScore({ base, near, weights: w }, c.base[i], slots, c.near[i]));
      const top = Math.max(...z);
      const p = z.map((x) => Math.exp(x - top));
      const all = p.reduce((x, y) => x + y, 0);
      const right = p.reduce((x, y, i) => x + (c.right[i] ? y : 0), 0);
      for (const [i, slots] of c.slots.entries()) {
        // the loss is −log(mass of the right candidates); its gradient for candidate i's score:
        const g = p[i] / all - (c.right[i] ? p[i] / right : 0);
        if (Math.abs(g) < 1e-6) continue;
        for (const k of slots) {
          const gk = g + l2 * w[k];
          g2[k] += gk * gk;
          w[k] -= (step * gk) / Math.sqrt(g2[k] + 1e-8);
        }
        baseG2 += (g * c.base[i]) ** 2;
        base -= (step * g * c.base[i]) / Math.sqrt(baseG2 + 1e-8);
        for (const [j, x] of c.near[i].entries()) {
          nearG2[j] += (g * x) ** 2;
          near[j] -= (NEAR_STEP * g * x) / Math.sqrt(nearG2[j] + 1e-8);
        }
      }
    }
  }
  return { bits: BITS, base, near, weights: Float32Array.from(w) };
}
