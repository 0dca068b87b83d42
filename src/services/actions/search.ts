// Plain-language search over a connector's action catalogue, shared by GET /actions?search=,
// POST /actions/search and the MCP server's <connector>_search_actions tool. The ranking and the
// English around it (stop words, stemming, verbs) are Linkhub's; the provider's own words come
// from its connector's search vocabulary.
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';

export const SEARCH_DEFAULT_TOP_K = 5;

const STOP_WORDS =
  'a an the of to for in on by with and or my me i we our us all from this that these those is are be it its please how do does can you your some any want need would like using via into about'.split(
    ' ',
  );

/** Light English stemming so "refunds"/"refund", "charges"/"charge", "created"/"create" meet. */
export function stem(w: string): string {
  if (w.length <= 3 || /^\d+$/.test(w)) return w;
  let s = w;
  if (s.endsWith('ies') && s.length > 4) s = s.slice(0, -3) + 'y';
  else if (s.endsWith('ing') && s.length > 5) s = s.slice(0, -3);
  else if (s.endsWith('ed') && s.length > 4) s = s.slice(0, -2);
  else if (/(ss|x|ch|sh|z)es$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith('s') && !s.endsWith('ss') && !s.endsWith('us')) s = s.slice(0, -1);
  if (s.endsWith('e') && s.length > 3) s = s.slice(0, -1);
  return s;
}

const tokens = (text: string): string[] =>
  text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** Verbs of queries that should also find the catalogue's wording (stemmed → stemmed alternatives). */
const VERBS: Record<string, readonly string[]> = {
  retrieve: ['get'],
  fetch: ['get', 'list'],
  show: ['get', 'list'],
  find: ['search', 'get', 'list'],
  look: ['search', 'get'],
  lookup: ['search', 'get'],
  view: ['get'],
  read: ['get', 'list'],
  see: ['get', 'list'],
  browse: ['list'],
  every: ['list'],
  new: ['create'],
  add: ['create'],
  make: ['create'],
  open: ['create'],
  start: ['create'],
  issue: ['create'],
  modify: ['update'],
  change: ['update'],
  edit: ['update'],
  set: ['update'],
  rename: ['update'],
  remove: ['delete'],
  destroy: ['delete'],
  erase: ['delete'],
  cancel: ['cancel', 'delete'],
  stop: ['cancel', 'delete'],
  end: ['cancel'],
  abort: ['cancel'],
  terminate: ['cancel'],
};

/** word → alternatives, both stemmed. */
function stemmed(words: Readonly<Record<string, readonly string[]>>): Map<string, string[]> {
  return new Map(Object.entries(words).map(([k, v]) => [stem(k), v.map(stem)]));
}

/** Field weights: a word in the action name counts most, then the label, the path, the description, the parameter names. */
const FIELDS = { name: 3, label: 2, path: 1.5, description: 1, params: 0.4 } as const;
type Field = keyof typeof FIELDS;

interface Doc {
  action: ConnectorAction;
  tf: Record<Field, Map<string, number>>;
  /** words per field */
  len: Record<Field, number>;
  all: Set<string>;
}

interface Index {
  byName: ReadonlyMap<string, ConnectorAction>;
  stop: ReadonlySet<string>;
  synonyms: ReadonlyMap<string, string[]>;
  docs: Doc[];
  df: Map<string, number>;
  vocab: string[];
  avgLen: Record<Field, number>;
  /** deprecated action → the action its deprecation note names as the replacement */
  successor: Map<string, string>;
}

const indexes = new Map<string, Index>();

function count(words: string[], stop: ReadonlySet<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of words) if (!stop.has(w)) m.set(stem(w), (m.get(stem(w)) ?? 0) + 1);
  return m;
}

function buildIndex(connector: ConnectorDefinition): Index {
  const { actions, byName } = connector.actions.catalogue();
  const vocabulary = connector.actions.vocabulary;
  const prefix = connector.actions.prefix;
  const stop = new Set([...STOP_WORDS, ...vocabulary.stopWords]);
  const synonyms = stemmed(VERBS);
  for (const [k, v] of stemmed(vocabulary.synonyms)) synonyms.set(k, [...new Set([...(synonyms.get(k) ?? []), ...v])]);
  const docs: Doc[] = [];
  const df = new Map<string, number>();
  const successor = new Map<string, string>();
  const successorName = new RegExp(`\\b(${prefix}[a-z0-9_]+)\\b`);
  for (const a of actions) {
    const params: string[] = [];
    for (const s of ['path', 'query', 'body'] as const) params.push(...Object.keys(a.input.properties[s]?.properties ?? {}).flatMap(tokens));
    const path = a.path.startsWith(vocabulary.pathPrefix) ? a.path.slice(vocabulary.pathPrefix.length) : a.path;
    const tf: Doc['tf'] = {
      name: count(tokens(a.name.slice(prefix.length)), stop),
      label: count(tokens(a.label), stop),
      path: count(tokens(path.replace(/\{[^}]*\}/g, ' ')), stop),
      description: count(tokens(a.description), stop),
      params: count(
        params.filter((p) => p !== 'expand'),
        stop,
      ),
    };
    const all = new Set<string>();
    const len = {} as Record<Field, number>;
    for (const f of Object.keys(tf) as Field[]) {
      len[f] = [...tf[f].values()].reduce((x, y) => x + y, 0);
      for (const t of tf[f].keys()) all.add(t);
    }
    for (const t of all) df.set(t, (df.get(t) ?? 0) + 1);
    docs.push({ action: a, tf, len, all });
    const next = a.deprecated ? successorName.exec(a.deprecationReason ?? '')?.[1] : undefined;
    if (next && byName.has(next)) successor.set(a.name, next);
  }
  const avgLen = {} as Record<Field, number>;
  for (const f of Object.keys(FIELDS) as Field[]) avgLen[f] = Math.max(1, docs.reduce((x, d) => x + d.len[f], 0) / docs.length);
  return { byName, stop, synonyms, docs, df, vocab: [...df.keys()], avgLen, successor };
}

/**
 * Ranks actions for a plain-language query: BM25-like term weights (IDF over the catalogue, saturated
 * term frequency per field, field weights with the action name first), small stemming and synonym sets,
 * prefix matches for partial words, a coverage factor (share of query words matched), a penalty for
 * deprecated actions, whose relevance is handed to the replacement their note names.
 */
export function searchActions(connector: ConnectorDefinition, query: string, topK = SEARCH_DEFAULT_TOP_K): { action: ConnectorAction; score: number }[] {
  let idx = indexes.get(connector.key);
  if (idx === undefined) {
    idx = buildIndex(connector);
    indexes.set(connector.key, idx);
  }
  const N = idx.docs.length;
  const words = [
    ...new Set(
      tokens(query)
        .filter((w) => !idx.stop.has(w) && (w.length > 1 || /\d/.test(w)))
        .map(stem),
    ),
  ];
  if (words.length === 0) return [];
  // each query word → weighted alternatives (itself 1, synonyms 0.6, vocabulary words it prefixes 0.5)
  const expansions = words.map((w) => {
    const alts = new Map<string, number>([[w, 1]]);
    for (const s of idx.synonyms.get(w) ?? []) if (!alts.has(s)) alts.set(s, 0.6);
    if (w.length >= 3) for (const v of idx.vocab) if (v !== w && v.startsWith(w) && !alts.has(v)) alts.set(v, 0.5);
    return alts;
  });
  const idf = (t: string) => {
    const d = idx.df.get(t) ?? 0;
    return Math.log(1 + (N - d + 0.5) / (d + 0.5));
  };
  const raw = new Map<string, number>();
  for (const doc of idx.docs) {
    let score = 0;
    let matched = 0;
    const nameHit = new Set<string>();
    for (const alts of expansions) {
      let best = 0;
      for (const [t, wq] of alts) {
        if (!doc.all.has(t)) continue;
        let s = 0;
        for (const f of Object.keys(FIELDS) as Field[]) {
          const n = doc.tf[f].get(t);
          if (n) s += FIELDS[f] * (n / (n + 0.5 * (0.25 + (0.75 * doc.len[f]) / idx.avgLen[f])));
        }
        if (doc.tf.name.has(t)) nameHit.add(t);
        best = Math.max(best, wq * idf(t) * s);
      }
      if (best > 0) matched++;
      score += best;
    }
    // coverage of the query (squared: missing words hurt) and of the action name (a name fully asked for wins)
    if (score > 0) raw.set(doc.action.name, score * (matched / words.length) ** 2 * (1 + 0.5 * (nameHit.size / doc.tf.name.size)));
  }
  const final = new Map<string, number>();
  for (const [name, s] of raw) {
    const a = idx.byName.get(name)!;
    final.set(name, Math.max(final.get(name) ?? 0, a.deprecated ? s * 0.5 : s));
    const next = idx.successor.get(name);
    if (next) final.set(next, Math.max(final.get(next) ?? 0, raw.get(next) ?? 0, s * 0.95));
  }
  const ranked = [...final].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).slice(0, topK);
  const top = ranked[0]?.[1] ?? 1;
  return ranked.map(([name, s]) => ({ action: idx.byName.get(name)!, score: Math.round((s / top) * 1000) / 1000 }));
}
