// Plain-language search over a connector's action catalogue, shared by GET /actions?search=,
// POST /actions/search and the MCP server's <connector>_search_actions tool. The ranking and the
// English around it (search-index.ts) are Linkhub's; the provider's own words (synonyms, phrases,
// what each resource is for) come from its connector's search vocabulary.
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';
import { buildIndex, type Doc, type Field, FIELD_NAMES, FIELDS, type Index, oneEditApart, stem, terms, tokens } from './search-index.js';

export const SEARCH_DEFAULT_TOP_K = 5;

/** Score factors of an action doing what the query's verb asks, and of a list when a plural is asked for. */
const VERB_BOOST = 1.25;
const LIST_BOOST = 1.2;
/** Fields whose words say what an action touches rather than what it is for, and how much a word found only there covers. */
const INCIDENTAL: readonly Field[] = ['description', 'params'];
const INCIDENTAL_COVER = 0.5;
/** Score factors of a deprecated action with a replacement (which takes 0.95 of its score), and of one without or one the provider calls legacy. */
const DEPRECATED = 0.5;
const LEGACY = 0.7;
/** Weight of a catalogue word one letter away from a query word of no action. */
const TYPO = 0.8;
/** Score factor of an action of a niche product the query does not name by one of its own words. */
const NICHE = 0.7;
/** Weight of a query word that qualifies the thing asked for ("… to a customer's subscription") rather than names it. */
const QUALIFIER = 0.8;

const indexes = new Map<string, Index>();

/** Most words a phrase written with "…" may have at its "…" ("pay … back": "pay a customer back"). */
const PHRASE_GAP = 2;

/** Where a phrase's words are among the query's words the vocabulary has not replaced yet, in order, or null. */
function phraseAt(words: string[], replaced: boolean[], phrase: { words: string[]; gap: boolean }): number[] | null {
  const find = (w: string, from: number) => words.findIndex((x, i) => i >= from && x === w && !replaced[i]);
  for (let start = find(phrase.words[0], 0); start >= 0; start = find(phrase.words[0], start + 1)) {
    const at = [start];
    for (const w of phrase.words.slice(1)) {
      const i = find(w, at[at.length - 1] + 1);
      if (i < 0) break;
      at.push(i);
    }
    if (at.length === phrase.words.length && at[at.length - 1] - start - (at.length - 1) <= (phrase.gap ? PHRASE_GAP : 0)) return at;
  }
  return null;
}

const PREPOSITIONS = new Set('from with of in on by for through via at about'.split(' '));
/** "every plan", "all of the invoices": asked for as a plural is. */
const EVERY = new Set(['every', 'all', 'each']);
const DETERMINERS = new Set(['my', 'our', 'the', 'of', 'your']);
/** "every month" is how often, not a list. */
const TIME_UNITS = /^(?:hour|day|week|month|quarter|year)s?$/;

/** A thing the query says it does not want ("without capturing") is not a word to look for. */
const WITHOUT = /\b(without|except|but not|instead of)\s+\S+/gi;

/** The query's words, with the vocabulary's phrases replaced by what they mean, and those asked for in the plural. */
function queryWords(idx: Index, query: string): { words: string[]; plural: Map<string, number>; tail: Set<string> } {
  // word → the place of the plural it comes from (its synonyms share it)
  const plural = new Map<string, number>();
  // a plural after a preposition qualifies another thing ("cash balance from bank transfers"): not what is asked for
  // (one right after the first word belongs to its verb: "look at refunds")
  const all = tokens(query);
  const plurals = all.filter(
    (t, i) =>
      ((t.endsWith('s') && stem(t) !== t) || ((EVERY.has(all[i - 1]) || (EVERY.has(all[i - 2]) && DETERMINERS.has(all[i - 1]))) && !TIME_UNITS.test(t))) &&
      !idx.verbs.has(stem(t)) &&
      !all.slice(Math.max(2, i - 2), i).some((w) => PREPOSITIONS.has(w)),
  );
  for (const [place, t] of plurals.entries()) for (const p of [stem(t), ...(idx.synonyms.get(stem(t)) ?? [])]) if (!plural.has(p)) plural.set(p, place);
  const read = readWords(idx, query);
  let words = read.map((r) => r.word);
  let tails = read.map((r) => r.tail);
  // what a phrase means is not read again by a shorter phrase ("customer portal" → "billing portal", not → "invoice portal")
  let replaced = words.map(() => false);
  for (const p of idx.phrases) {
    const at = phraseAt(words, replaced, p);
    if (!at) continue;
    // the meaning goes where the phrase starts; words the phrase let stand between its own stay after it
    const before = (_: unknown, i: number) => i < at[0];
    const after = (_: unknown, i: number) => i > at[0] && !at.includes(i);
    const tail = at.every((i) => tails[i]);
    words = [...words.filter(before), ...p.means, ...words.filter(after)];
    replaced = [...replaced.filter(before), ...p.means.map(() => true), ...replaced.filter(after)];
    tails = [...tails.filter(before), ...p.means.map(() => tail), ...tails.filter(after)];
  }
  const head = new Set(words.filter((_, i) => !tails[i]));
  return { words: [...new Set(words)], plural, tail: new Set(words.filter((w) => !head.has(w))) };
}

/** Words that start what qualifies the thing a clause asks for: where, for what, from whom. */
const QUALIFIERS = new Set('to for in on from at into through via by about'.split(' '));

/**
 * The query's words, each marked when it qualifies rather than names the thing asked for: after
 * a clause's verb and object, a preposition starts the qualifier ("add a seat | to a customer's
 * subscription"); "to" before a verb starts what is to be done, not a qualifier. Numbers are
 * values (an amount, an order number), not what to do.
 */
function readWords(idx: Index, query: string): { word: string; tail: boolean }[] {
  const out: { word: string; tail: boolean }[] = [];
  for (const clause of query.replace(WITHOUT, ' ').split(/[,;.?!]/)) {
    const toks = tokens(clause);
    let tail = false;
    let object = false;
    for (const [i, t] of toks.entries()) {
      const next = stem(toks[i + 1] ?? '');
      if (object && QUALIFIERS.has(t) && !(t === 'to' && (idx.verbs.has(next) || idx.actionVerbs.has(next)))) tail = true;
      if (idx.stop.has(t)) continue;
      if (i > 0) object = true;
      const w = stem(t);
      if (w.length > 1 && !/^\d+$/.test(w)) out.push({ word: w, tail });
    }
  }
  return out;
}

/**
 * A question or wish wrapped round a task ("is there a way to pause …", "how can I …", "I need to …")
 * asks for the task: the wrapping goes, so the task's own verb is read and the question is not taken
 * for a read ("is …" → get).
 */
const WRAPPER =
  /^\W*(?:(?:hi|hey|ok|so|please)\W+)?(?:is there (?:a|an|any)(?: \w+)? (?:way|option|endpoint|api|method) (?:to|for|of)|is it possible to|(?:what is|what's|whats) the (?:\w+ )?way to|how (?:do|can|should|would|could|to) (?:i|we|you)?|(?:can|could|may|should) (?:i|we|you)|i(?:'d| would) like to|(?:i|we)(?:'m| am| are)? (?:want|need|trying|try|have|looking)(?: to| for)?|help me(?: to)?|how to|way to)\s+/i;

/** A first verb followed by "a", "an", "new", "another": the thing is to be made. */
const A_NEW = /^\W*\w+\s+(?:a|an|new|another)\s/i;

/** A time window looked back over ("in the last hour", "this week", "recent"): the task reads a list. */
const SINCE =
  /\b(?:(?:in|over|during|from|for|within|since)\s+)?(?:the\s+)?(?:(?:last|past|previous|this)\s+(?:\d+\s+|few\s+|couple\s+of\s+)?(?:hours?|days?|weeks?|months?|quarters?|years?)|yesterday|recent(?:ly)?|lately)\b/gi;

/** The query's own account as the place of the task ("on my account"), not a thing to act on. */
const OWN_ACCOUNT = /\b(?:in|on|from|of|to)\s+(?:my|our)\s+(?:stripe\s+)?account\b/gi;

/** English verbs of two words, read as the one verb they mean ("take the discount off" removes it). */
const PHRASAL: [RegExp, string][] = [
  [/\blook(?:ing)?\s+(?:at|over|through)\b/gi, 'see'],
  [/\b(?:look(?:ing)?|search(?:ing)?)\s+(?:up|for)\b/gi, 'find'],
  [/\bget\s+rid\s+of\b/gi, 'remove'],
  [/\bturn\s+((?:\S+\s+){0,3}?)off\b/gi, 'disable $1'],
  [/\bturn\s+((?:\S+\s+){0,3}?)on\b/gi, 'enable $1'],
  [/\b(?:take|get)\s+((?:\S+\s+){0,3}?)off\b/gi, 'remove $1'],
];

/** "get notified", "get charged": not a read. */
const GET_DONE = /^\W*get\s+(?=\w+ed\b)/i;

/** A question ("is this payment …", "how many …", not "how do I …") reads: its verb is get or list (list first for "how many", "who", "which"). */
const QUESTION = /(?:^|[,;?]\s*)(is|was|are|were|has|have|does|did|how many|how much|what|which|who|when|where|why)\b/i;

/**
 * What the query asks to do: its first word when that is a verb (of the catalogue or a generic one),
 * else its second when that is a generic verb,
 * with the catalogue verbs it stands for, the first of them meant most often ("find" → search, then
 * get or list). People write "verb object"; a later word is more often part of the object.
 */
function queryVerb(idx: Index, words: string[], query: string, many: boolean): QueryVerb | null {
  // the first word, or the second after a thing of the catalogue ("customer wants to switch …") when it is a common verb
  const isVerb = (w: string | undefined) => w !== undefined && (idx.actionVerbs.has(w) || idx.verbs.has(w));
  // …or the first of the last clause, when the first says what happened ("bank rejected a payment, see the reason")
  const last = terms(query.split(/[,;:]/).pop() ?? '', idx.stop)[0];
  const at = isVerb(words[0]) ? 0 : idx.nameWords.has(words[0]) && idx.verbs.has(words[1]) ? 1 : isVerb(last) && /[,;:]/.test(query) ? words.indexOf(last) : -1;
  if (at < 0) {
    const q = QUESTION.exec(query)?.[1]?.toLowerCase();
    if (q === undefined) return null;
    return { word: 'get', at, verbs: many || /^(how many|who|which)$/.test(q) ? ['list', 'get'] : ['get', 'list'] };
  }
  const w = words[at];
  const alts = idx.verbs.get(w);
  if (alts === undefined) return { word: w, at, verbs: [w] };
  const verbs = alts.includes(w) || !idx.actionVerbs.has(w) ? alts : [...alts, w];
  // "set a price" makes one, "set the price" changes it
  if (at === 0 && verbs.includes('creat') && A_NEW.test(query)) return { word: w, at, verbs: ['creat', ...verbs.filter((v) => v !== 'creat')] };
  return { word: w, at, verbs };
}

interface QueryVerb {
  word: string;
  /** where it is in the query's words; -1 for a question's (its own verbs are part of the question: "did we get") */
  at: number;
  verbs: string[];
}

/**
 * How well the action does what the query's verb asks: 1 for its own verb or one of its intents
 * ("refund" creates a refund: a creation named after the verb), 0.5 for a verb meant less often, else 0.
 */
function doesVerb(doc: Doc, v: QueryVerb): number {
  if (v.verbs[0] === doc.verb || doc.tf.intent.has(v.word) || (doc.verb === 'creat' && doc.tf.name.has(v.word))) return 1;
  return v.verbs.includes(doc.verb) ? 0.5 : 0;
}

/**
 * Ranks actions for a plain-language query: BM25-like term weights (IDF over the catalogue, saturated
 * term frequency per field, field weights with the action name first), small stemming, phrase and
 * synonym sets, prefix matches for partial words, a coverage factor (share of query words matched,
 * words found only in reference text counting half), the query's verb and plurals as factors, legacy
 * and tooling actions a little lower, and deprecated actions below the replacement their note names,
 * which takes over their relevance.
 */
export function searchActions(connector: ConnectorDefinition, query: string, topK = SEARCH_DEFAULT_TOP_K): { action: ConnectorAction; score: number }[] {
  let idx = indexes.get(connector.key);
  if (idx === undefined) {
    idx = buildIndex(connector);
    indexes.set(connector.key, idx);
  }
  const N = idx.docs.length;
  query = query.replace(WRAPPER, '');
  const ranged = query.search(SINCE) >= 0;
  query = query.replace(SINCE, ' ').replace(OWN_ACCOUNT, ' ').replace(GET_DONE, '');
  for (const [phrasal, verb] of PHRASAL) query = query.replace(phrasal, verb);
  const asked = queryWords(idx, query);
  const many = ranged || tokens(query).some((t) => t.endsWith('s') && idx.nameWords.has(stem(t)) && stem(t) !== t);
  const verb = queryVerb(idx, asked.words, query, many);
  const { plural, tail } = asked;
  const words = verb?.at === -1 ? asked.words.filter((w) => !idx.verbs.has(w) && !idx.actionVerbs.has(w)) : asked.words;
  if (words.length === 0) return [];
  // a thing asked for in the plural, without a verb or with one that reads ("see refunds"), wants a list;
  // one that finds ("find refunds") wants a search
  const wantsList = verb === null || verb.verbs[0] === 'get' || verb.verbs[0] === 'list';
  // each query word → weighted alternatives (itself 1, synonyms 0.6, vocabulary words it prefixes 0.5)
  const expansions = words.map((w) => {
    const alts = new Map<string, number>([[w, 1]]);
    for (const s of idx.synonyms.get(w) ?? []) if (!alts.has(s)) alts.set(s, 0.6);
    // a word of no action is taken as the start of one ("subscr" → subscription); a whole word is not
    // stretched ("connect" is not "connection", "card" not "cardholder")
    if (w.length >= 3 && !idx.df.has(w)) for (const v of idx.vocab) if (v !== w && v.startsWith(w) && !alts.has(v)) alts.set(v, 0.5);
    // …and a longer word of no action, one letter away from one, a slip or a spelling ("invoce", "authoris")
    if (w.length >= 5 && alts.size === 1 && !idx.df.has(w)) for (const v of idx.vocab) if (oneEditApart(w, v)) alts.set(v, TYPO);
    return alts;
  });
  // a word that qualifies the thing asked for counts less than the thing, for its score and its coverage
  const weights = words.map((w) => (tail.has(w) ? QUALIFIER : 1));
  const asks = weights.reduce((x, y) => x + y, 0);
  const idf = (t: string) => {
    const d = idx.df.get(t) ?? 0;
    return Math.log(1 + (N - d + 0.5) / (d + 0.5));
  };
  // what the verb weighs for an action doing it: as if it were a word of its name
  const verbScore = verb ? idf(verb.word) * (FIELDS.name + FIELDS.label) * 0.7 : 0;
  const raw = new Map<string, number>();
  const lowered = new Set<string>();
  for (const doc of idx.docs) {
    let score = 0;
    let matched = 0;
    const nameHit = new Set<string>();
    // a list of the thing asked for in the plural: its resource, or a word of its purpose that is not a word of its name
    // (the first plural most: "list employees who have company cards" wants the employees)
    let listedAt = -1;
    if (wantsList && doc.action.list)
      for (const [p, at] of plural)
        if ((p === doc.resource || (!doc.tf.name.has(p) && doc.tf.purpose.has(p))) && (listedAt < 0 || at < listedAt)) listedAt = at;
    const listed = listedAt >= 0;
    // a list asked for in the plural does what the query's verb asks ("get refunds")
    const does = verb === null ? 0 : listed ? 1 : doesVerb(doc, verb);
    if (does && doc.tf.name.has(doc.verb)) nameHit.add(doc.verb);
    for (const [i, alts] of expansions.entries()) {
      let best = 0;
      let said = false;
      for (const [t, wq] of alts) {
        if (!doc.all.has(t)) continue;
        let s = 0;
        for (const f of FIELD_NAMES) {
          const n = doc.tf[f].get(t);
          if (n) s += FIELDS[f] * (n / (n + 0.5 * (0.25 + (0.75 * doc.len[f]) / idx.avgLen[f])));
        }
        if (doc.tf.name.has(t)) nameHit.add(t);
        said ||= FIELD_NAMES.some((f) => !INCIDENTAL.includes(f) && doc.tf[f].has(t));
        best = Math.max(best, wq * idf(t) * s);
      }
      // a word found only in the reference text (a description's "sort order") covers the query half as much
      const w = weights[i];
      if (best > 0 || (does && i === verb?.at)) matched += w * (said || (does && i === verb?.at) ? 1 : INCIDENTAL_COVER);
      score += w * (does && i === verb?.at ? Math.max(best, does * verbScore) : best);
    }
    // coverage of the query (squared: missing words hurt) and of the action name (a name fully asked for wins)
    if (score <= 0) continue;
    score *= (matched / asks) ** 2 * (1 + 0.5 * Math.min(1, nameHit.size / doc.spoken));
    // without a verb: a list when a plural is asked for, else a creation ("a payment link for …")
    if (verb ? does : listed || (doc.verb === 'creat' && !plural.has(doc.resource))) score *= VERB_BOOST ** (verb ? does : 1);
    if (listed) score *= listedAt === 0 ? LIST_BOOST : Math.sqrt(LIST_BOOST);
    // legacy actions, and tooling ones (test helpers) the query does not name, rank a little lower
    const lower = idx.legacy.has(doc.action.name) || (doc.aside !== null && !words.some((w) => doc.aside?.has(w)));
    if (lower) lowered.add(doc.action.name);
    if (doc.niche && !expansions.some((alts) => [...alts.keys()].some((w) => doc.niche?.has(w)))) score *= NICHE;
    raw.set(doc.action.name, lower ? score * LEGACY : score);
  }
  const final = new Map<string, number>();
  for (const [name, s] of raw) {
    const a = idx.byName.get(name)!;
    const next = idx.successor.get(name);
    // a deprecated action with a replacement ranks below it; one without stays findable, as a legacy one does
    final.set(name, Math.max(final.get(name) ?? 0, s * (a.deprecated ? (next ? DEPRECATED : LEGACY) : 1)));
    if (next) final.set(next, Math.max(final.get(next) ?? 0, raw.get(next) ?? 0, s * 0.95 * (lowered.has(next) ? LEGACY : 1)));
  }
  const ranked = [...final].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).slice(0, topK);
  const top = ranked[0]?.[1] ?? 1;
  return ranked.map(([name, s]) => ({ action: idx.byName.get(name)!, score: Math.round((s / top) * 1000) / 1000 }));
}
