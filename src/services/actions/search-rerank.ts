// The learned second pass of action search: the ranking's first candidates scored again by a linear
// model over pairs of the query's words with what each candidate is (the action, its verb, the thing
// it acts on, its product area) and over how near the query is to the labelled requests for each
// (search-neighbours.ts), weighted against the ranking's own score. The model is learned from the
// connector's labelled requests (search-learn.ts); it tells apart the siblings the ranking's word
// weights cannot ("stop the sub at period end" is an update, not a cancel), from what people wrote.
import type { Doc, Index } from './search-index.js';
import { asRead, said, terms } from './search-index.js';
import { nearFeatures, type Said } from './search-neighbours.js';
import { readQuery } from './search-query.js';

/** How many of the ranking's first candidates the model orders again. */
export const RERANK_DEPTH = 20;

export interface SearchModel {
  /** log2 of the number of weights: features are hashed into them */
  bits: number;
  /** the weight of the ranking's own score (its log, relative to the first candidate) */
  base: number;
  /** the weights of a candidate's nearness to the query's nearest labelled requests (search-neighbours.ts's nearFeatures) */
  near: number[];
  weights: Float32Array;
}

/**
 * The query as the model reads it: its words (ids read as the things they name, no numbers), its pairs
 * of neighbouring words, its verb with the catalogue verb it stands for first ("get list" for "which
 * charges …": a question about many reads a list).
 */
export interface ModelQuery {
  /** its words in order, as written and stemmed (for its nearness to labelled requests) */
  said: Said;
  words: string[];
  pairs: string[];
  verb: string;
  /** whether it asks about many things (a plural of a thing, a time window) */
  many: boolean;
  /** the words of each thing an object id in it names (`re_1Oa2`: one refund, likely to be read or changed, not listed) */
  ids: string[][];
}

export function modelQuery(idx: Index, query: string): ModelQuery {
  const ids = idx.ids ? [...query.matchAll(idx.ids)].map((m) => terms(idx.idPrefixes.get(m[1].toLowerCase()) ?? '', idx.stop)) : [];
  const read = said(asRead(idx, query), idx.stop);
  const seq = read.stems;
  const pairs: string[] = [];
  for (let i = 0; i + 1 < seq.length; i++) pairs.push(`${seq[i]} ${seq[i + 1]}`);
  const asked = readQuery(idx, query);
  return {
    said: read,
    words: [...new Set(seq)],
    pairs,
    verb: asked.verb ? `${asked.verb.word} ${asked.verb.verbs[0]}` : '',
    many: asked.plural.size > 0 || asked.verb?.verbs[0] === 'list',
    ids,
  };
}

/**
 * FNV-1a, 32 bits: features are hashed into a fixed array of weights (no dictionary of every pair seen
 * in training to keep). Hand-written: five lines, and the model must hash exactly as it was trained.
 */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The weights a candidate's score adds up: its features' places in the model. */
export function featureSlots(q: ModelQuery, doc: Doc, bits: number): number[] {
  const mask = (1 << bits) - 1;
  const name = doc.action.name;
  // its product area: the path's first segment after the version (`/v1/issuing/cards` → issuing)
  const area = doc.action.path.split('/')[2] ?? '';
  const keys: string[] = [`qv|${q.verb}|${doc.verb}`, `qa|${q.verb}|${name}`, `m|${q.many}|${doc.verb}`, `mn|${q.many}|${name}`];
  for (const w of q.words) {
    keys.push(`a|${w}|${name}`, `v|${w}|${doc.verb}`, `r|${w}|${doc.resource}`, `p|${w}|${area}`);
    for (const n of doc.tf.name.keys()) if (n !== doc.verb && n !== doc.resource) keys.push(`x|${w}|${n}`);
  }
  for (const p of q.pairs) keys.push(`b|${p}|${name}`, `bv|${p}|${doc.verb}`);
  // whether the query names the thing the candidate acts on, and how many of its name's words it says
  const named = [...doc.tf.name.keys()].filter((n) => q.words.includes(n)).length;
  keys.push(`t|${q.words.includes(doc.resource)}|${doc.verb}`, `n|${named}|${doc.tf.name.size}`);
  // whether the candidate acts on the thing an id names, and how (one read, changed, listed)
  for (const id of q.ids) keys.push(`i|${id.every((w) => doc.tf.name.has(w))}|${doc.verb}`);
  return keys.map((k) => fnv1a(k) & mask);
}

/** The ranking's score as the model weighs it. */
export const baseFeature = (score: number): number => Math.log(Math.max(score, 1e-3));

/** The candidates' nearness features: how near each one's labelled requests (of the index's) are to the query. */
export const nearOf = (idx: Index, q: ModelQuery, candidates: readonly string[]): number[][] => nearFeatures(idx.neighbours, q.said, candidates);

/** A candidate's score: the ranking's, its features' weights and its nearness, weighed. */
export function modelScore(
  model: Pick<SearchModel, 'base' | 'near'> & { weights: ArrayLike<number> },
  base: number,
  slots: readonly number[],
  near: readonly number[],
): number {
  let z = model.base * base;
  for (const i of slots) z += model.weights[i];
  for (const [j, x] of near.entries()) z += model.near[j] * x;
  return z;
}

const docsByName = new WeakMap<Index, Map<string, Doc>>();
/** How far below its replacement a deprecated action the model put above it goes (a factor e^-0.1 of the score). */
const DEPRECATED_GAP = 0.1;

/**
 * Orders the ranking's first RERANK_DEPTH candidates (scores relative to the first) by the model; the
 * rest follow in the ranking's order, below them. Scores stay relative to the first (1).
 */
export function rerank<T extends { action: { name: string }; score: number }>(model: SearchModel, idx: Index, query: string, ranked: T[]): T[] {
  if (ranked.length < 2) return ranked;
  let docs = docsByName.get(idx);
  if (docs === undefined) {
    docs = new Map(idx.docs.map((d) => [d.action.name, d]));
    docsByName.set(idx, docs);
  }
  const q = modelQuery(idx, query);
  const candidates = ranked.slice(0, RERANK_DEPTH);
  const near = nearOf(
    idx,
    q,
    candidates.map((r) => r.action.name),
  );
  const head = candidates.map((r, i) => ({ r, z: modelScore(model, baseFeature(r.score), featureSlots(q, docs.get(r.action.name)!, model.bits), near[i]) }));
  // a deprecated action stays below the action that replaces it, as in the ranking
  const z = new Map(head.map((h) => [h.r.action.name, h.z]));
  for (const h of head) {
    const next = z.get(idx.successor.get(h.r.action.name) ?? '');
    if (next !== undefined && h.z >= next) h.z = next - DEPRECATED_GAP;
  }
  head.sort((x, y) => y.z - x.z || x.r.action.name.localeCompare(y.r.action.name));
  const top = head[0].z;
  const scored = head.map(({ r, z }) => ({ ...r, score: Math.round(Math.exp(z - top) * 1000) / 1000 }));
  const floor = scored[scored.length - 1].score;
  return [...scored, ...ranked.slice(RERANK_DEPTH).map((r) => ({ ...r, score: Math.round(r.score * floor * 1000) / 1000 }))];
}
