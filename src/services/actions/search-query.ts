// How action search reads a plain-language query before ranking: the wrapping of a question or wish
// taken off, English phrasal verbs and time windows read, the vocabulary's phrases replaced by what they
// mean, the words that name the thing asked for told from those that qualify it, what is asked for in
// the plural, and the query's verb with the catalogue verbs it stands for.
import { type Index, stem, terms, tokens } from './search-index.js';

export interface ReadQuery {
  /** the query's words, stemmed, once each */
  words: string[];
  /** word → the place of the plural it comes from */
  plural: Map<string, number>;
  /** words that only qualify the thing asked for */
  tail: Set<string>;
  /** words of the reason the task is asked for ("… so new customers can't pick it"): weigh least */
  reason: Set<string>;
  verb: QueryVerb | null;
}

/** Reads a query for the ranking (see the file's head). */
export function readQuery(idx: Index, query: string): ReadQuery {
  // an object id quoted in the query (pi_3Nx8) names its resource
  if (idx.ids) query = query.replace(idx.ids, (_, prefix: string) => ` ${idx.idPrefixes.get(prefix.toLowerCase())} `);
  // a dash between words separates clauses as a comma does ("the stay got extended - can I bump …")
  query = query
    .replace(LABEL, '')
    .replace(WRAPPER, '')
    .replace(/\s[-–—]+\s/g, ', ');
  // …as is the latest of a kind ("my last payout"): the first of its list
  const latest = LATEST.test(query);
  const ranged = query.search(SINCE) >= 0 || latest;
  query = query
    .replace(SINCE, ' ')
    .replace(LATEST, (all) => all.replace(/\b(?:last|latest|most\s+recent|newest)\s+/i, ''))
    .replace(OWN_ACCOUNT, (all, word?: string) => (word === undefined || idx.stop.has(word.toLowerCase()) ? ' ' : all))
    .replace(GET_DONE, '');
  for (const [phrasal, verb] of PHRASAL) query = query.replace(phrasal, verb);
  // "find the charge and give it back": the finding is a step towards the task; the task is the second verb
  query = query.replace(FIND_THEN, (all, found: string, then: string) => {
    const verb = terms(then, idx.stop)[0];
    return verb !== undefined && (idx.verbs.has(verb) || idx.actionVerbs.has(verb)) && !isRead(idx, verb) ? `${then} ${found}` : all;
  });
  const asked = queryWords(idx, query);
  // a question about many things, or over a time window, reads a list
  const many = ranged || tokens(query).some((t) => t.endsWith('s') && idx.nameWords.has(stem(t)) && stem(t) !== t);
  return { ...asked, verb: queryVerb(idx, asked.words, query, many, latest) };
}

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
function queryWords(idx: Index, query: string): { words: string[]; plural: Map<string, number>; tail: Set<string>; reason: Set<string> } {
  // word → the place of the plural it comes from (its synonyms share it)
  const plural = new Map<string, number>();
  // a plural after a preposition qualifies another thing ("cash balance from bank transfers"): not what is asked for
  // (one right after the first word belongs to its verb: "look at refunds")
  const all = tokens(query);
  const plurals = all.filter(
    (t, i) =>
      ((t.endsWith('s') && stem(t) !== t) || ((EVERY.has(all[i - 1]) || (EVERY.has(all[i - 2]) && DETERMINERS.has(all[i - 1]))) && !TIME_UNITS.test(t))) &&
      !idx.verbs.has(stem(t)) &&
      !idx.stop.has(t) &&
      // (…when there is another thing before it: "what happened with payouts" asks for the payouts)
      !(all.slice(Math.max(2, i - 2), i).some((w) => PREPOSITIONS.has(w)) && all.slice(0, i).some((w) => idx.nameWords.has(stem(w)))) &&
      // …nor one of the reason the task is asked for ("… so we can see their balances")
      !all.slice(1, i).some((w) => REASONS.has(w)),
  );
  for (const [place, t] of plurals.entries()) for (const p of [stem(t), ...(idx.synonyms.get(stem(t)) ?? [])]) if (!plural.has(p)) plural.set(p, place);
  const read = readWords(idx, query);
  let words = read.map((r) => r.word);
  let tails = read.map((r) => r.part);
  // what a phrase means is not read again by a shorter phrase ("customer portal" → "billing portal", not → "invoice portal")
  let replaced = words.map(() => false);
  for (const p of idx.phrases) {
    const at = phraseAt(words, replaced, p);
    if (!at) continue;
    // the meaning goes where the phrase starts; words the phrase let stand between its own stay after it
    const before = (_: unknown, i: number) => i < at[0];
    const after = (_: unknown, i: number) => i > at[0] && !at.includes(i);
    const tail = Math.min(...at.map((i) => tails[i]));
    words = [...words.filter(before), ...p.means, ...words.filter(after)];
    replaced = [...replaced.filter(before), ...p.means.map(() => true), ...replaced.filter(after)];
    tails = [...tails.filter(before), ...p.means.map(() => tail), ...tails.filter(after)];
  }
  // a word said in several parts counts as the weightiest
  const part = new Map<string, number>();
  for (const [i, w] of words.entries()) part.set(w, Math.min(part.get(w) ?? 2, tails[i]));
  const at = (p: number) => new Set([...part].filter(([, q]) => q === p).map(([w]) => w));
  return { words: [...new Set(words)], plural, tail: at(1), reason: at(2) };
}

/** Words that start what qualifies the thing a clause asks for: where, for what, from whom. */
const QUALIFIERS = new Set('to for in on from at into through via by about'.split(' '));
/** Words that start the reason for a task ("… so the customer can't pay"). */
const REASONS = new Set(['so', 'because']);

/**
 * The query's words, each marked when it qualifies rather than names the thing asked for: after
 * a clause's verb and object, a preposition starts the qualifier ("add a seat | to a customer's
 * subscription"); "to" before a verb starts what is to be done, not a qualifier. Numbers are
 * values (an amount, an order number), not what to do.
 */
function readWords(idx: Index, query: string): { word: string; part: number }[] {
  const out: { word: string; part: number }[] = [];
  for (const clause of query.replace(WITHOUT, ' ').split(/[,;.?!]/)) {
    const toks = tokens(clause);
    // 0: the thing asked for, 1: what qualifies it, 2: why it is asked
    let part = 0;
    let object = false;
    for (const [i, t] of toks.entries()) {
      const next = stem(toks[i + 1] ?? '');
      if (object && REASONS.has(t)) part = 2;
      else if (object && QUALIFIERS.has(t) && !(t === 'to' && (idx.verbs.has(next) || idx.actionVerbs.has(next)))) part = Math.max(part, 1);
      if (idx.stop.has(t)) continue;
      if (i > 0) object = true;
      const w = stem(t);
      // a verb said in the past after the first word ("customer changed their email, …") tells what happened: it weighs as a reason does
      const told = i > 0 && /ed$/.test(t) && t !== w && (idx.verbs.has(w) || idx.actionVerbs.has(w));
      if (w.length > 1 && !/^\d+$/.test(w)) out.push({ word: w, part: told ? 2 : part });
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
  /^\W*(?:(?:hi|hey|ok|so|please)\W+)?(?:is there (?:a|an|any)(?: \w+)? (?:way|option|endpoint|api|method) (?:to|for|of)|is it possible to|(?:what is|what's|whats) the (?:\w+ )?way to|how (?:do|can|should|would|could|to) (?:i|we|you)?|(?:can|could|may|should) (?:i|we|you)|i(?:'d| would) like to|(?:i|we)(?:'m| am| are)? (?:want|need|trying|try|have|looking)(?: to| for)?|help me(?: to)?|how to|way to|where (?:do|can|should|would) (?:i|we))\s+/i;

/** A label before the task ("Task:", "ticket #4821:", "step 2 of 4:", "Slack:"): where it comes from, not what it asks. */
const LABEL = /^\W*(?:(?:task|ticket|issue|case|step|plan|agent|todo|slack|request|subject|re|fyi)\b[^:]{0,24}:\s*)+/i;

/** A first verb followed by "a", "an", "new", "another": the thing is to be made. */
const A_NEW = /^\W*\w+\s+(?:a|an|new|another)\s/i;

/** A time window looked back over ("in the last hour", "this week", "recent"): the task reads a list. */
const SINCE =
  /\b(?:(?:in|over|during|from|for|within|since)\s+)?(?:the\s+)?(?:(?:last|past|previous|this)\s+(?:\d+\s+|few\s+|couple\s+of\s+)?(?:hours?|days?|weeks?|months?|quarters?|years?)|yesterday|recent(?:ly)?|lately)\b/gi;

/** The latest of a kind ("my last payout", "the most recent dispute"), not a time window. */
const LATEST = /\b(?:my|our|the)\s+(?:last|latest|most\s+recent|newest)\s+(?!(?:\d+\s+)?(?:hours?|days?|weeks?|months?|quarters?|years?)\b)\w+/i;

/** The query's own account as the place of the task ("on my account", "in our <provider> account"), not a thing to act on. */
const OWN_ACCOUNT = /\b(?:in|on|from|of|to)\s+(?:my|our)\s+(?:(\w+)\s+)?account\b/gi;

/** English verbs of two words, read as the one verb they mean ("take the discount off" removes it). */
const PHRASAL: [RegExp, string][] = [
  [/\blook(?:ing)?\s+(?:at|over|through)\b/gi, 'see'],
  [/\b(?:look(?:ing)?|search(?:ing)?)\s+(?:up|for)\b/gi, 'find'],
  [/\bget\s+rid\s+of\b/gi, 'remove'],
  [/\bcall(?:ing|ed)?\s+((?:\S+\s+){0,3}?)off\b/gi, 'cancel $1'],
  // "did it go through", "when did the payout go out": what happened to it, no word to look for
  [/\b(?:go|goes|went|gone)\s+(?:out|through)\b/gi, ' '],
  // "what is going on with …": what is the state of it, no word to look for
  [/\b(?:going|goes)\s+on\b/gi, ' '],
  [/\bturn\s+((?:\S+\s+){0,3}?)off\b/gi, 'disable $1'],
  [/\bturn\s+((?:\S+\s+){0,3}?)on\b/gi, 'enable $1'],
  [/\b(?:take|get)\s+((?:\S+\s+){0,3}?)off\b/gi, 'remove $1'],
];

/** A find or fetch and then another verb ("look up the customer and cancel their subscription"). */
const FIND_THEN = /\b(?:find|look\s+up|fetch|pull\s+up|locate|retrieve)\s+([^,;.?!]*?)\s+(?:and(?:\s+then)?|then)\s+([^,;.?!]+)/gi;

/** Whether a verb reads (get, list, search, or a generic verb that stands for them). */
function isRead(idx: Index, verb: string): boolean {
  const reads = (v: string) => ['get', 'list', 'search'].includes(v);
  return reads(verb) || (idx.verbs.get(verb)?.every(reads) ?? false);
}

/** "get notified", "get charged": not a read. */
const GET_DONE = /\bget\s+(?=\w+ed\b)/gi;

/** A question ("is this payment …", "how many …", not "how do I …") reads: its verb is get or list (list first for "how many", "who", "which"). */
const QUESTION = /(?:^|[,;?]\s*)(is|was|are|were|has|have|does|did|how many|how much|what|which|who|when|where|why)\b/i;

/**
 * What the query asks to do: its first word when that is a verb (of the catalogue or a generic one),
 * else its second when that is a generic verb,
 * with the catalogue verbs it stands for, the first of them meant most often ("find" → search, then
 * get or list). People write "verb object"; a later word is more often part of the object.
 */
function queryVerb(idx: Index, words: string[], query: string, many: boolean, latest: boolean): QueryVerb | null {
  // the first word, or the second after a thing of the catalogue ("customer wants to switch …") when it is a common verb
  const isVerb = (w: string | undefined) => w !== undefined && (idx.actionVerbs.has(w) || idx.verbs.has(w));
  // …or the first of the last clause, when the first says what happened ("bank rejected a payment, see the reason")
  const clauses = query.split(/[,;:?]/).filter((c) => terms(c, idx.stop).length > 0);
  const last = clauses.length > 1 ? terms(clauses[clauses.length - 1], idx.stop)[0] : undefined;
  // a question ("which invoices are open", "how many refunds …") has no verb of its own up front, and a verb
  // said in the past ("customer changed their mind, …") tells what happened, not what to do
  const asks = QUESTION.exec(query)?.index === 0;
  const told = (w: string | undefined) => isVerb(w) && !asks && !tokens(query).some((t) => stem(t) === w && /ed$/.test(t) && t !== w);
  const at = told(words[0])
    ? 0
    : idx.nameWords.has(words[0]) && idx.verbs.has(words[1]) && told(words[1])
      ? 1
      : last !== undefined && isVerb(last)
        ? words.indexOf(last)
        : -1;
  if (at < 0) {
    const q = QUESTION.exec(query)?.[1]?.toLowerCase();
    if (q === undefined) return null;
    return { word: 'get', at, verbs: many || /^(how many|who|which)$/.test(q) ? ['list', 'get'] : ['get', 'list'] };
  }
  const w = words[at];
  const alts = idx.verbs.get(w);
  if (alts === undefined) return { word: w, at, verbs: [w] };
  const verbs = alts.includes(w) || !idx.actionVerbs.has(w) ? alts : [...alts, w];
  // a read of all or every … of something is a list ("show me all of them"), as is one of the latest ("show the last payout")
  if (verbs[0] === 'get' && verbs.includes('list') && (latest || /\b(?:all|every)\b/i.test(query)))
    return { word: w, at, verbs: ['list', ...verbs.filter((v) => v !== 'list')] };
  // "set a price" makes one, "set the price" changes it
  if (at === 0 && verbs.includes('creat') && A_NEW.test(query)) return { word: w, at, verbs: ['creat', ...verbs.filter((v) => v !== 'creat')] };
  return { word: w, at, verbs };
}

export interface QueryVerb {
  word: string;
  /** where it is in the query's words; -1 for a question's (its own verbs are part of the question: "did we get") */
  at: number;
  verbs: string[];
}
