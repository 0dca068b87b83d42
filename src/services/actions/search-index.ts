// The index action search ranks over, built once per connector on its first query: each action's
// words by field (name, label, path, description less its boilerplate, the values a list filters by,
// parameters, and the connector vocabulary's purpose of its resource and intents for it), their
// document frequencies, and which action replaces each
// deprecated one. The English (stop words, stemming, generic verbs) is Linkhub's own: a few lines
// of rules fit a catalogue's wording better than a general-purpose stemmer would.
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';
import { buildNeighbours, type Neighbours, type Said } from './search-neighbours.js';

const STOP_WORDS =
  'a an the of to for in on at by with and or my me i we our us all from this that these those is are be it its please how do does can you your some any want need would like using via into about their them they his her he she so just one let only has have had before after again now today earlier what which who why when where did not yet been was were will should could there then than through gone went already still ever currently actually really also maybe kindly pls plz thanks thank wants needs wanted needed asks asked many anymore whenever someone somebody'.split(
    ' ',
  );

/** "shipp" (of shipping, shipped) → "ship"; not l, s or z ("billing" stays "bill"). */
const undouble = (s: string): string => (/([^aeioulsz])\1$/.test(s) ? s.slice(0, -1) : s);

/** Light English stemming so "refunds"/"refund", "charges"/"charge", "created"/"create", "configure"/"configuration" meet. */
export function stem(w: string): string {
  if (w.length <= 3 || /^\d+$/.test(w)) return w;
  // British -ise spellings meet the catalogue's American -ize ("authorised", "tokenise", "itemised")
  let s = w.length > 6 ? w.replace(/is(e|ed|es|ing|ation|ations)$/, 'iz$1') : w;
  // the plural first, so "configurations" meets "configure" through "configuration"
  if (/ie[sd]$/.test(s) && s.length > 4) s = s.slice(0, -3) + 'y';
  else if (/(ss|x|ch|sh|z)es$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith('s') && !s.endsWith('ss') && !s.endsWith('us')) s = s.slice(0, -1);
  // "notification", "notified", "notify" meet; as do "verification", "verified", "verify"
  if (s.endsWith('ification') && s.length > 11) s = s.slice(0, -8) + 'y';
  else if (s.endsWith('ation') && s.length > 7) s = s.slice(0, -5);
  else if (s.endsWith('ate') && s.length > 6) s = s.slice(0, -3);
  else if (s.endsWith('ing') && s.length > 5) s = undouble(s.slice(0, -3));
  else if (s.endsWith('ed') && !s.endsWith('eed') && s.length > 4) s = undouble(s.slice(0, -2));
  if (s.endsWith('e') && s.length > 3) s = s.slice(0, -1);
  return s;
}

export const tokens = (text: string): string[] =>
  text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/**
 * Whether two words differ by one letter added, dropped or changed, or two neighbours swapped ("invoce",
 * "authorise"). Hand-written:
 * the ranking only asks "one edit or not" of a word against a few thousand, which needs no distance library.
 */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  // two neighbours swapped ("subscriptoin") count as one slip too
  if (a.length === b.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)) return true;
  return a.slice(i + (a.length >= b.length ? 1 : 0)) === b.slice(i + (b.length >= a.length ? 1 : 0));
}

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
  download: ['get'],
  see: ['get', 'list'],
  check: ['get'],
  detail: ['get'],
  browse: ['list'],
  every: ['list'],
  new: ['create'],
  upload: ['create'],
  give: ['create'],
  place: ['create'],
  put: ['create'],
  take: ['create'],
  configure: ['update', 'create'],
  history: ['list'],
  pause: ['update'],
  quit: ['cancel', 'delete'],
  switch: ['update'],
  disable: ['update'],
  enable: ['update'],
  deactivate: ['update'],
  close: ['close', 'delete'],
  save: ['create'],
  calculate: ['create'],
  rotate: ['update'],
  resend: ['send'],
  preview: ['get'],
  run: ['create'],
  add: ['create'],
  make: ['create'],
  open: ['create'],
  start: ['create'],
  setup: ['create'],
  issue: ['create'],
  generate: ['create'],
  register: ['create'],
  modify: ['update'],
  change: ['update'],
  edit: ['update'],
  set: ['update', 'create'],
  rename: ['update'],
  remove: ['delete'],
  destroy: ['delete'],
  erase: ['delete'],
  cancel: ['cancel', 'delete'],
  stop: ['cancel', 'delete'],
  end: ['cancel'],
  abort: ['cancel'],
  terminate: ['cancel'],
  kill: ['cancel', 'expire', 'delete'],
  trash: ['delete'],
  revoke: ['disconnect', 'cancel', 'delete'],
  suspend: ['update'],
  extend: ['update'],
  reactivate: ['resume', 'update'],
  bump: ['increment', 'update'],
  increase: ['increment', 'update'],
  raise: ['increment', 'update'],
  unpause: ['resume'],
};

/** word → alternatives, both stemmed. */
function stemmed(words: Readonly<Record<string, readonly string[]>>): Map<string, string[]> {
  return new Map(Object.entries(words).map(([k, v]) => [stem(k), v.map(stem)]));
}

/**
 * Field weights: a word in the action name counts most, then the intents people use for it and the
 * label, the path, the description and the resource's purpose, the values a list filters by, the
 * parameter names; and the requests people wrote for it (the vocabulary's examples), weighed by a
 * 5-fold cross-validation over them (bench/search.ts; 8,701 requests, first try): 69.8 % at 2, 71.0 % at
 * 4, 71.5 % at 6. Their words count for coverage only as search.ts says (INCIDENTAL, EXAMPLE_THING), so
 * many of them do not outweigh the action's own words.
 */
export const FIELDS = { name: 3, label: 2, intent: 2, path: 1.5, description: 1, purpose: 1, example: 6, filters: 0.5, params: 0.4 } as const;
export type Field = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as Field[];

export interface Doc {
  action: ConnectorAction;
  /** the first word of its name: create, list, capture, … */
  verb: string;
  /** the last spoken word of its name: the thing it acts on or lists */
  resource: string;
  /** its name's words that people say */
  spoken: number;
  /** the words of the vocabulary's `aside` path it is under, one of which the query must say for it to rank fully */
  aside: ReadonlySet<string> | null;
  /** for an action of a niche product: the words only that product's actions say (outside reference text), one of which the query must say for it to rank fully */
  niche: ReadonlySet<string> | null;
  tf: Record<Field, Map<string, number>>;
  /** words per field */
  len: Record<Field, number>;
  all: Set<string>;
}

export interface Index {
  byName: ReadonlyMap<string, ConnectorAction>;
  stop: ReadonlySet<string>;
  synonyms: ReadonlyMap<string, string[]>;
  /** generic verbs (stemmed) → the catalogue verbs they stand for */
  verbs: ReadonlyMap<string, string[]>;
  /** every action's verb */
  actionVerbs: ReadonlySet<string>;
  /** every word of an action name */
  nameWords: ReadonlySet<string>;
  /** every thing an action acts on or lists (its resource): "refund" of create_refund */
  things: ReadonlySet<string>;
  /** id prefix → the words of the thing it names */
  idPrefixes: ReadonlyMap<string, string>;
  /** an object id of one of those prefixes in a query (`pi_3Nx8`, `cs_test_a1`), the prefix captured; null without prefixes */
  ids: RegExp | null;
  /** stemmed phrase words → stemmed words they stand for, longest phrases first */
  phrases: { words: string[]; gap: boolean; means: string[] }[];
  docs: Doc[];
  df: Map<string, number>;
  vocab: string[];
  avgLen: Record<Field, number>;
  /** actions the provider still serves but steers away from (a vocabulary's `legacy`) */
  legacy: ReadonlySet<string>;
  /** deprecated action → the action its deprecation note names or points to as the replacement */
  successor: Map<string, string>;
  /** the labelled requests, for the nearest to a query */
  neighbours: Neighbours;
}

/**
 * A request as learned from: its object ids read as the things they name, as a query's are; its numbers
 * (amounts, order numbers) dropped as values.
 */
export const asRead = (idx: Pick<Index, 'ids' | 'idPrefixes'>, q: string): string =>
  (idx.ids ? q.replace(idx.ids, (_, p: string) => ` ${idx.idPrefixes.get(p.toLowerCase())} `) : q).replace(/\b\d+\b/g, ' ');

/** A text as the index reads it, in order: its words as written with the stop words dropped, and the same stemmed. */
export function said(text: string, stop: ReadonlySet<string>): { raw: string[]; stems: string[] } {
  const raw = tokens(text).filter((w) => !stop.has(w));
  return { raw, stems: raw.map(stem) };
}

/** The words of a text as the index keeps them: no stop words, stemmed. */
export const terms = (text: string, stop: ReadonlySet<string>): string[] => said(text, stop).stems;

function count(words: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

/** A path without the connector's prefix and its `{…}` parameters: `customers/{customer}/sources` → `customers/sources`. */
const pathStem = (path: string, prefix: string): string =>
  (path.startsWith(prefix) ? path.slice(prefix.length) : path)
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .join('/');

/** The purpose of the longest key that is the action's path stem or the stem less one trailing literal. */
function purposeOf(stemPath: string, purposes: Readonly<Record<string, string>>): string {
  const parent = stemPath.includes('/') ? stemPath.slice(0, stemPath.lastIndexOf('/')) : '';
  return purposes[stemPath] ?? purposes[parent] ?? '';
}

/**
 * The replacement of a deprecated action: an action its note names (the one with the same verb
 * first), else the live action on the path its note gives with the same method: the same trailing
 * literal (…/dispute/close → disputes/close), else the one with the same verb, ending in a parameter
 * or not as the note does.
 */
function findSuccessor(a: ConnectorAction, actions: readonly ConnectorAction[], prefix: string, pathPrefix: string): string | undefined {
  const note = a.deprecationReason ?? '';
  const named = [...note.matchAll(new RegExp(`\\b${prefix}[a-z0-9_]+\\b`, 'g'))].map((m) => m[0]);
  const verb = (n: string) => n.slice(prefix.length).split('_')[0];
  if (named.length) return named.find((n) => verb(n) === verb(a.name)) ?? named[0];
  const notePath = new RegExp(`${pathPrefix.replace(/[/.]/g, '\\$&')}[A-Za-z0-9_{}/]+`).exec(note)?.[0];
  if (!notePath) return undefined;
  const target = pathStem(notePath, pathPrefix);
  const live = actions.filter((b) => !b.deprecated && b.method === a.method);
  const last = a.path.split('/').pop() ?? '';
  if (!last.startsWith('{')) {
    const sub = live.find((b) => pathStem(b.path, pathPrefix) === `${target}/${last}`);
    if (sub) return sub.name;
  }
  const byItem = notePath.endsWith('}') || a.path.endsWith('}');
  return live.find((b) => pathStem(b.path, pathPrefix) === target && b.path.endsWith('}') === byItem && verb(b.name) === verb(a.name))?.name;
}

/** The values a list's query parameters take ("past_due", "open"): what people ask a list for ("which subscriptions are past due"). */
function filterValues(a: ConnectorAction): string[] {
  const values: string[] = [];
  for (const p of Object.values(a.input.properties.query?.properties ?? {}) as { enum?: unknown[] }[])
    for (const v of p.enum ?? []) if (typeof v === 'string') values.push(v);
  return values;
}

/** A sentence of a description with the action's own name words blanked: the template it follows. */
function template(sentence: string, name: Set<string>): string {
  return tokens(sentence)
    .map((w) => (name.has(stem(w)) ? '_' : w))
    .join(' ');
}

/** Sentences of descriptions said by at least this many actions are boilerplate ("The objects are sorted in descending order …"). */
const BOILERPLATE = 3;

/**
 * Each action's description without boilerplate: a sentence many actions share once their own name
 * words are blanked says how the catalogue works ("sorted … most recent first", "parameters not
 * provided are left unchanged"), not what the action is for, and its words ("order", "recent") would
 * match queries they have nothing to do with.
 */
function ownSentences(actions: readonly ConnectorAction[], prefix: string): (a: ConnectorAction) => string {
  const split = (a: ConnectorAction) => a.description.split(/(?<=[.!?])\s+/);
  const names = new Map(actions.map((a) => [a, new Set(a.name.slice(prefix.length).split('_').map(stem))]));
  const seen = new Map<string, number>();
  for (const a of actions) for (const t of new Set(split(a).map((s) => template(s, names.get(a)!)))) seen.set(t, (seen.get(t) ?? 0) + 1);
  return (a) =>
    split(a)
      .filter((s) => (seen.get(template(s, names.get(a)!)) ?? 0) < BOILERPLATE)
      .join(' ');
}

/** Fields that say what an action is (not what it touches): the words a niche product owns come from them. */
const SAYS: readonly Field[] = ['name', 'label', 'intent', 'path', 'purpose'];

/** Gives each action of a niche product the words only that product's actions say. */
function markNiches(docs: Doc[], nicheOf: ReadonlyMap<string, string>): void {
  const owners = new Map<string, Set<string>>();
  for (const d of docs) for (const f of SAYS) for (const t of d.tf[f].keys()) owners.set(t, (owners.get(t) ?? new Set()).add(nicheOf.get(d.action.name) ?? ''));
  const own = new Map<string, Set<string>>();
  for (const [t, by] of owners) {
    const [only] = by;
    if (by.size === 1 && only !== '') own.set(only, (own.get(only) ?? new Set()).add(t));
  }
  for (const d of docs) {
    const key = nicheOf.get(d.action.name);
    if (key !== undefined) d.niche = own.get(key) ?? new Set();
  }
}

export function buildIndex(connector: ConnectorDefinition): Index {
  const { actions, byName } = connector.actions.catalogue();
  const vocabulary = connector.actions.vocabulary;
  const prefix = connector.actions.prefix;
  const stop = new Set([...STOP_WORDS, ...vocabulary.stopWords]);
  const verbs = stemmed(VERBS);
  for (const [k, v] of stemmed(vocabulary.verbs ?? {})) verbs.set(k, v);
  const synonyms = stemmed(VERBS);
  for (const [k, v] of stemmed(vocabulary.synonyms)) synonyms.set(k, [...new Set([...(synonyms.get(k) ?? []), ...v])]);
  const phrases = Object.entries(vocabulary.phrases ?? {})
    .map(([p, means]) => ({ words: terms(p, stop), gap: p.includes('…'), means: terms(means, stop) }))
    .filter((p) => p.words.length > 0)
    .sort((x, y) => y.words.length - x.words.length);
  const unspoken = new Set((vocabulary.unspoken ?? []).map(stem));
  const kept = ownSentences(actions, prefix);
  const idPrefixes = new Map(Object.entries(vocabulary.idPrefixes ?? {}));
  // an id has a digit or a capital after its prefix (and a test/live marker): "pro_monthly" is a name, not an id
  const ids = idPrefixes.size
    ? new RegExp(`\\b(${[...idPrefixes.keys()].sort((x, y) => y.length - x.length).join('|')})_(?:(?:test|live)_)?(?=[a-z]*[0-9A-Z])[A-Za-z0-9]+\\b`, 'g')
    : null;
  const examples = new Map<string, string>();
  const requests: { said: Said; action: string }[] = [];
  for (const e of vocabulary.examples?.() ?? []) {
    const read = asRead({ ids, idPrefixes }, e.query);
    examples.set(e.expect[0], `${examples.get(e.expect[0]) ?? ''} ${read}`);
    requests.push({ said: said(read, stop), action: prefix + e.expect[0] });
  }
  const docs: Doc[] = [];
  const df = new Map<string, number>();
  const successor = new Map<string, string>();
  const nicheOf = new Map<string, string>();
  for (const a of actions) {
    const params: string[] = [];
    for (const s of ['path', 'query', 'body'] as const) params.push(...Object.keys(a.input.properties[s]?.properties ?? {}).filter((p) => p !== 'expand'));
    const stemPath = pathStem(a.path, vocabulary.pathPrefix);
    const tf: Doc['tf'] = {
      name: count(terms(a.name.slice(prefix.length), stop)),
      label: count(terms(a.label, stop)),
      intent: count(terms(vocabulary.intents?.[a.name.slice(prefix.length)] ?? '', stop)),
      example: count(terms(examples.get(a.name.slice(prefix.length)) ?? '', stop)),
      path: count(terms(stemPath.replace(/\//g, ' '), stop)),
      description: count(terms(kept(a), stop)),
      purpose: count(terms(purposeOf(stemPath, vocabulary.purposes ?? {}), stop)),
      filters: count(terms(a.list ? filterValues(a).join(' ') : '', stop)),
      params: count(terms(params.join(' '), stop)),
    };
    const all = new Set<string>();
    const len = {} as Record<Field, number>;
    for (const f of FIELD_NAMES) {
      len[f] = [...tf[f].values()].reduce((x, y) => x + y, 0);
      for (const t of tf[f].keys()) all.add(t);
    }
    for (const t of all) df.set(t, (df.get(t) ?? 0) + 1);
    const nameWords = a.name.slice(prefix.length).split('_').map(stem);
    const said = nameWords.filter((w) => !unspoken.has(w));
    const spoken = [...tf.name.keys()].filter((w) => !unspoken.has(w)).length;
    const asideKey = vocabulary.aside?.find((k) => stemPath === k || stemPath.startsWith(`${k}/`));
    const aside = asideKey === undefined ? null : new Set(terms(asideKey, stop));
    const nicheKey = vocabulary.niche?.find((k) => stemPath === k || stemPath.startsWith(`${k}/`));
    if (nicheKey !== undefined) nicheOf.set(a.name, nicheKey);
    docs.push({ action: a, verb: nameWords[0], resource: said[said.length - 1] ?? nameWords[0], spoken, aside, niche: null, tf, len, all });
    const next = a.deprecated ? findSuccessor(a, actions, prefix, vocabulary.pathPrefix) : undefined;
    if (next && next !== a.name && byName.has(next)) successor.set(a.name, next);
  }
  markNiches(docs, nicheOf);
  const avgLen = {} as Record<Field, number>;
  for (const f of FIELD_NAMES) avgLen[f] = Math.max(1, docs.reduce((x, d) => x + d.len[f], 0) / docs.length);
  const actionVerbs = new Set(docs.map((d) => d.verb));
  const nameWords = new Set(docs.flatMap((d) => [...d.tf.name.keys()]));
  const things = new Set(docs.map((d) => d.resource));
  const legacy = new Set((vocabulary.legacy ?? []).map((n) => prefix + n));
  return {
    byName,
    stop,
    synonyms,
    verbs,
    actionVerbs,
    nameWords,
    things,
    idPrefixes,
    ids,
    legacy,
    phrases,
    docs,
    df,
    vocab: [...df.keys()],
    avgLen,
    successor,
    neighbours: buildNeighbours(requests),
  };
}
