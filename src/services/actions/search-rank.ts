// The ranking of plain-language action search (search.ts re-ranks its first candidates with what the
// connector's labelled requests teach). The ranking and the English around it (search-index.ts,
// search-query.ts) are Linkhub's; the provider's own words (synonyms, phrases, what each resource is
// for) come from its connector's search vocabulary.
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';
import { buildIndex, type Doc, type Field, FIELD_NAMES, FIELDS, type Index, oneEditApart } from './search-index.js';
import { type QueryVerb, readQuery } from './search-query.js';

/** Score factors of an action doing what the query's verb asks, and of a list when a plural is asked for. */
const VERB_BOOST = 1.25;
const LIST_BOOST = 1.2;
/**
 * Fields whose words say what an action touches rather than what it is for, and how much a word found
 * only there covers: the requests people wrote for it too, whose other words ("what happened with …")
 * say little of the action.
 */
const INCIDENTAL: readonly Field[] = ['description', 'params', 'example'];
const INCIDENTAL_COVER = 0.5;
/**
 * Coverage of a query word found for an action only in the requests people wrote for it, when the word
 * names a thing of the catalogue ("customer", "charge"): none. Those requests teach the words the
 * catalogue lacks ("storno", "toss"); a thing they mention in passing ("remove the coupon so customers
 * can't use it") is not what the action acts on, and must not let delete_coupon answer "take the coupon
 * off this customer". It costs cross-validated first try 2 points (71.5 % against 73.4 % over 8,701
 * requests, whose writers mention things in passing alike), for answers that stay on what is named.
 */
const EXAMPLE_THING = 0;
/** Score factors of a deprecated action with a replacement (which takes 0.95 of its score), and of one without or one the provider calls legacy. */
const DEPRECATED = 0.5;
const LEGACY = 0.7;
/** Weight of a catalogue word one letter away from a query word of no action. */
const TYPO = 0.8;
/** Score factor of an action of a niche product the query does not name by one of its own words. */
const NICHE = 0.7;
/** Weight of a query word that qualifies the thing asked for ("… to a customer's subscription") rather than names it. */
const QUALIFIER = 0.8;
/** Weight of a query word of the reason a task is asked for ("… so new customers can't pick it"). */
const REASON = 0.5;

const indexes = new Map<string, Index>();

/** Drops a connector's index (one learned for a while, as search-learn.ts's folds). */
export const forgetIndex = (key: string): boolean => indexes.delete(key);

/** The connector's search index, built on its first query. */
export function searchIndex(connector: ConnectorDefinition): Index {
  let idx = indexes.get(connector.key);
  if (idx === undefined) {
    idx = buildIndex(connector);
    indexes.set(connector.key, idx);
  }
  return idx;
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
 * words found only in reference text counting half, words that only qualify the thing asked for
 * weighing less), the query's verb and plurals as factors, legacy
 * and tooling actions a little lower, and deprecated actions below the replacement their note names,
 * which takes over their relevance.
 */
export function rankActions(connector: ConnectorDefinition, query: string, topK: number): { action: ConnectorAction; score: number }[] {
  const idx = searchIndex(connector);
  const N = idx.docs.length;
  const asked = readQuery(idx, query);
  const { plural, tail, reason, verb } = asked;
  // a question's own verbs are not what it asks about ("did we get …"), unless they name a thing too ("how many refunds")
  const words = verb?.at === -1 ? asked.words.filter((w) => idx.things.has(w) || (!idx.verbs.has(w) && !idx.actionVerbs.has(w))) : asked.words;
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
  const weights = words.map((w) => (reason.has(w) ? REASON : tail.has(w) ? QUALIFIER : 1));
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
      let own = false;
      let thing = true;
      for (const [t, wq] of alts) {
        if (!doc.all.has(t)) continue;
        let s = 0;
        for (const f of FIELD_NAMES) {
          const n = doc.tf[f].get(t);
          if (!n) continue;
          s += FIELDS[f] * (n / (n + 0.5 * (0.25 + (0.75 * doc.len[f]) / idx.avgLen[f])));
          said ||= !INCIDENTAL.includes(f);
          own ||= f !== 'example';
        }
        if (doc.tf.name.has(t)) nameHit.add(t);
        if (!idx.nameWords.has(t)) thing = false;
        best = Math.max(best, wq * idf(t) * s);
      }
      // a word found only in the reference text (a description's "sort order") covers the query half as much
      const w = weights[i];
      if (best > 0 || (does && i === verb?.at)) matched += w * (said || (does && i === verb?.at) ? 1 : !own && thing ? EXAMPLE_THING : INCIDENTAL_COVER);
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
