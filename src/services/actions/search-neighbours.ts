// The labelled requests nearest a query, per action: the second pass's evidence that someone asked for
// an action in much the same words (search-rerank.ts weighs it beside its word pairs). A request is a
// bag of its words (stemmed) and of its pairs of neighbouring words (as written), weighted by tf-idf; a
// query's nearness to a request is the cosine of their bags. What the pairs add over the word weights: a whole phrasing seen
// before ("new place for the readers" → a Terminal location), which no single word carries.
// Hand-written: an inverted list over some thousands of short texts, a few dozen lines that must read
// words exactly as the model was learned with (a search library would bring its own tokenising).

/** How many of an action's nearest requests its mean nearness counts. */
export const NEAREST = 3;
/** How many numbers nearFeatures gives for a candidate. */
export const NEAR_FEATURES = 3;

export interface Neighbours {
  /** term → its place; a term's requests are at[start[t]] … at[start[t + 1] - 1], with its weight in each */
  terms: Map<string, number>;
  start: Int32Array;
  at: Int32Array;
  weight: Float64Array;
  /** each term's idf, and that of a term no request says */
  idf: Float64Array;
  unsaid: number;
  /** each request's action, as a place in `actions` */
  actionOf: Int32Array;
  /** action name → its place */
  actions: Map<string, number>;
  /** the length of each request's weighted bag */
  norm: Float64Array;
  /** scratch for a query's dot products with the requests, and each action's candidate place (+1): zero between queries */
  dot: Float64Array;
  seen: Uint8Array;
  slot: Int32Array;
}

/**
 * A text as the index reads it, in order: its words as written (no stop words) and the same stemmed.
 */
export interface Said {
  raw: readonly string[];
  stems: readonly string[];
}

/**
 * A text as a bag: each word (stemmed: "refunded" is "refund") and each pair of neighbouring words as
 * written ("charges failed" is not "charge fail": a pair keeps the number and tense of a phrasing, so
 * "why did a charge fail" is not near "which charges failed yesterday"; chosen on cross-validation
 * over stemmed pairs).
 */
function bag(said: Said): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (t: string) => counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [i, w] of said.stems.entries()) {
    add(w);
    if (i + 1 < said.raw.length) add(`${said.raw[i]} ${said.raw[i + 1]}`);
  }
  return counts;
}

/**
 * The neighbour index of labelled requests, each given as its terms and the action it asks for. Its
 * postings are flat typed arrays: a list per term would cost some tens of MB for the pairs' many terms.
 */
export function buildNeighbours(requests: readonly { said: Said; action: string }[]): Neighbours {
  const bags = requests.map((r) => bag(r.said));
  const terms = new Map<string, number>();
  const df: number[] = [];
  for (const b of bags)
    for (const t of b.keys()) {
      const i = terms.get(t);
      if (i === undefined) {
        terms.set(t, df.length);
        df.push(1);
      } else df[i]++;
    }
  const n = requests.length;
  const idf = Float64Array.from(df, (d) => Math.log((n + 1) / (d + 1)));
  const start = new Int32Array(df.length + 1);
  for (const [i, d] of df.entries()) start[i + 1] = start[i] + d;
  const filled = start.slice(0, df.length);
  const at = new Int32Array(start[df.length]);
  const weight = new Float64Array(start[df.length]);
  const norm = new Float64Array(n);
  for (const [r, b] of bags.entries()) {
    let sq = 0;
    for (const [t, count] of b) {
      const i = terms.get(t)!;
      const w = count * idf[i];
      sq += w * w;
      at[filled[i]] = r;
      weight[filled[i]++] = w;
    }
    norm[r] = Math.sqrt(sq) || 1;
  }
  const actions = new Map<string, number>();
  for (const r of requests) if (!actions.has(r.action)) actions.set(r.action, actions.size);
  const actionOf = Int32Array.from(requests, (r) => actions.get(r.action)!);
  return {
    terms,
    start,
    at,
    weight,
    idf,
    unsaid: Math.log(n + 1),
    actionOf,
    actions,
    norm,
    dot: new Float64Array(n),
    seen: new Uint8Array(n),
    slot: new Int32Array(actions.size),
  };
}

/**
 * What the model weighs of each candidate's nearness to the query: its nearest request's, the mean of
 * its NEAREST nearest (a phrasing several people used), and how far its nearest is below the nearest of
 * any candidate.
 */
export function nearFeatures(nb: Neighbours, said: Said, candidates: readonly string[]): number[][] {
  const touched: number[] = [];
  let sq = 0;
  for (const [t, n] of bag(said)) {
    const i = nb.terms.get(t);
    const weight = n * (i === undefined ? nb.unsaid : nb.idf[i]);
    sq += weight * weight;
    if (i === undefined) continue;
    for (let p = nb.start[i]; p < nb.start[i + 1]; p++) {
      const at = nb.at[p];
      if (nb.seen[at] === 0) {
        nb.seen[at] = 1;
        touched.push(at);
      }
      nb.dot[at] += weight * nb.weight[p];
    }
  }
  const norm = Math.sqrt(sq) || 1;
  // each candidate's NEAREST highest nearnesses, highest first
  const tops = candidates.map((): number[] => []);
  for (const [k, name] of candidates.entries()) {
    const a = nb.actions.get(name);
    if (a !== undefined) nb.slot[a] = k + 1;
  }
  for (const at of touched) {
    const k = nb.slot[nb.actionOf[at]] - 1;
    if (k >= 0) {
      const top = tops[k];
      const near = nb.dot[at] / norm / nb.norm[at];
      let i = top.length;
      while (i > 0 && top[i - 1] < near) i--;
      if (i < NEAREST) {
        top.splice(i, 0, near);
        if (top.length > NEAREST) top.pop();
      }
    }
    nb.dot[at] = 0;
    nb.seen[at] = 0;
  }
  for (const name of candidates) {
    const a = nb.actions.get(name);
    if (a !== undefined) nb.slot[a] = 0;
  }
  const best = Math.max(0, ...tops.map((t) => t[0] ?? 0));
  return tops.map((t) => [t[0] ?? 0, t.reduce((x, y) => x + y, 0) / NEAREST, (t[0] ?? 0) - best]);
}
