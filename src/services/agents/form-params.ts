// How the agent gate reads a call's parameters when it needs its amount: the way any of the provider's
// possible parsers could read them, and UNCLEAR where they could disagree. A cap is only as good as the
// agreement between what the gate reads and what the provider acts on: `amount=1&amount=90000` is 1 to
// one parser and 90000 to another; `amount=1& amount=90000` is two names to WHATWG's form parser and
// one repeated name to Rack's, which drops spaces after `&` (and Rack 2 also splits on `;`); `%20amount`
// is ` amount` to both, and `amount` to one that trims names.

/** The parameter by which a server such as Rack's MethodOverride does another method than the request's. */
export const METHOD_OVERRIDE = '_method';

/** A parameter the provider may read otherwise than the gate would: the gate cannot tell the call's amount. */
export const UNCLEAR: unique symbol = Symbol('unclear');

/**
 * Beyond these a form is not read at all: each of its parameters is UNCLEAR (a cap cannot pass it unread;
 * the gate holds or refuses the call as for any amount it cannot tell), save whether it names a method
 * override (see largeFormNames). The forms money-moving APIs take are far smaller (the connector's
 * provider: a call's parameters number in the tens to hundreds, metadata at most 50 keys of 500
 * characters, a list such as line items a few hundred entries), some kilobytes in all, while an agent's form of 16 MB (the native body limit, set
 * for file uploads) with millions of parameters would hold up every other call while it is read.
 */
export const MAX_FORM_BYTES = 1024 * 1024;
/** The most parameters a form read may have: pieces between `&`s and `;`s, the most any reading makes. */
export const MAX_FORM_PARAMS = 10_000;

/** A name given more than once in a reading. */
const REPEATED: unique symbol = Symbol('repeated');

/**
 * One reading of a form: each name's value (REPEATED when given more than once), and the names another
 * key reads as to a nested parser or one that trims names (see formParam).
 */
interface Reading {
  values: Map<string, string | typeof REPEATED>;
  nested: Set<string>;
}

/** A form as the gate reads it: its readings, or, too large to read, its text. */
type Form = { readings: Reading[] } | { tooLarge: string };

/** Whether a call's parameters are its query's (reads and deletes), not its body's. */
const paramsInQuery = (method: string): boolean => method === 'GET' || method === 'DELETE';

/**
 * The name a nested-parameter parser files a key under: `[amount]`, `amount]`, `amount[x]` → `amount`;
 * with the spaces around it (` amount`, `[amount\t]`), which a parser that trims names drops.
 */
const BASE_NAME = /^[[\]]*([^[\]]+)/;

/** The name a key is filed under by a nested parser, with the spaces around it dropped (see BASE_NAME). */
const baseName = (key: string): string | undefined => BASE_NAME.exec(key)?.[1]?.trim();

/** A reading of a form's pairs, each name filed once: what formParam asks of it is then one look-up, not a pass over the form. */
function reading(pairs: Iterable<[string, string]>): Reading {
  const values = new Map<string, string | typeof REPEATED>();
  const nested = new Set<string>();
  for (const [key, v] of pairs) {
    values.set(key, values.has(key) ? REPEATED : v);
    const base = baseName(key);
    if (base !== undefined && base !== key) nested.add(base);
  }
  return { values, nested };
}

/**
 * A parameter in one reading of a form, query string or payload: its one value; UNCLEAR when the name is
 * repeated (a parser keeps the first or the last), when another key reads as the same name to a nested
 * parser (Rack 2 takes `[amount]` and `amount]` for `amount`; `amount[x]` makes it an object) or to one
 * that trims names (` amount`), or when
 * `unclear` says these values may not be the ones the provider reads (a write's query: the provider
 * may take it or ignore it).
 */
function formParam(r: Reading, name: string, unclear = false): string | typeof UNCLEAR | undefined {
  if (r.nested.has(name)) return UNCLEAR;
  if (!r.values.has(name)) return undefined;
  const value = r.values.get(name);
  return value === REPEATED || unclear ? UNCLEAR : value;
}

const AMP = 0x26;
const SEMI = 0x3b;

/** The parameters of the finest reading (Rack 2's): the runs of text between `&`s and `;`s. */
function paramCount(text: string): number {
  let n = 0;
  let inPiece = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === AMP || c === SEMI) inPiece = false;
    else if (!inPiece) {
      inPiece = true;
      n++;
    }
  }
  return n;
}

/**
 * The readings of form-encoded text a provider's parser may make: WHATWG's (split on `&`), and where
 * they differ from it, Rack 3's (split on `&` and the spaces after it) and Rack 2's (on `&` or `;`, and
 * the spaces after). Names and values are form-decoded in each. Each is read once, into a map by name.
 * A form beyond MAX_FORM_BYTES or MAX_FORM_PARAMS is not read.
 */
function formReadings(text: string): Form {
  if (text.length > MAX_FORM_BYTES || Buffer.byteLength(text) > MAX_FORM_BYTES || paramCount(text) > MAX_FORM_PARAMS) {
    return { tooLarge: text };
  }
  const standard = reading(new URLSearchParams(text));
  if (!text.includes(';') && !text.includes('& ')) return { readings: [standard] };
  return { readings: [standard, reading(split(text, /& */)), reading(split(text, /[&;] */))] };
}

const split = (text: string, sep: RegExp): [string, string][] =>
  text
    .split(sep)
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq === -1 ? [decode(p), ''] : [decode(p.slice(0, eq)), decode(p.slice(eq + 1))];
    });

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s; // a malformed escape: such a parser refuses the request, so any value will do
  }
}

/**
 * Every way an ASCII name may be spelt in a form where it could be a key's name to some reading (see
 * largeFormNames): each character as itself or %-escaped (`_m%65thod`), after a separator, the start (or a
 * `?` there), or what may be a bracket or a space, and followed by spaces up to a separator, bracket, `=`, escape or the end.
 */
function spellings(name: string): RegExp {
  const chars = [...name].map((ch) => {
    const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
    const escaped = `%${hex[0]}[${hex[1].toLowerCase()}${hex[1].toUpperCase()}]`;
    return `(?:${ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')}|${escaped})`;
  });
  const spelt = chars.join('');
  // what comes before is looked at once the name is found (it is found fast, by itself)
  const before = `(?<=(?:^\\??|[&;[\\] +\\t-\\r\\u0080-\\uffff]|%[0-9a-fA-F]{2})${spelt})`;
  const after = '(?=[ +\\t-\\r\\u0080-\\uffff]*(?:$|[=&;[\\]%]))';
  return new RegExp(spelt + before + after, 'g');
}

/**
 * In a form too large to read, these many places where a sought name may be a key's (see
 * largeFormNames), or one such key this long, are taken to be one: no form has them, and reading them
 * all could take a body of megabytes seconds.
 */
const MAX_LOOKALIKES = 1000;
const MAX_LOOKALIKES_READ = 100;
const MAX_PADDED_KEY = 1024;

/** Whether text[i] (a name's character, form-encoded) may decode to a bracket or a space: how many characters it takes, else 0. */
function paddingAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x5b || c === 0x5d || c === 0x20 || c === 0x2b || (c >= 0x09 && c <= 0x0d) || c >= 0x80) return 1;
  return c === 0x25 && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2)) ? 3 : 0;
}

const indexOrEnd = (text: string, sought: string, from: number): number => {
  const i = text.indexOf(sought, from);
  return i === -1 ? text.length : i;
};

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * Whether some reading of a form too large to read (formReadings) has a key filed under `name` (as
 * formParam finds it: the name itself, or another key that reads as it). Only a piece where the text
 * spells the name somehow, with nothing but brackets and spaces (however escaped) before it in its key
 * and after it up to a bracket or the key's end, is read, and each piece once: a method override is
 * told in any body in one pass (a regular expression's), so that a file upload of megabytes under a
 * policy is sent, not refused. A body with too many such places is taken to name it.
 */
function largeFormNames(text: string, name: string): boolean {
  const spelt = spellings(name);
  const filed = (key: string) => key === name || baseName(key) === name;
  let seen = 0;
  let read = 0;
  // the pieces between `&`s (WHATWG's and Rack 3's readings), then between `&`s and `;`s (Rack 2's)
  for (const semi of [false, true]) {
    // the next `&` and `;` at or after a place: each looked for again only once passed, so the text is read once
    let amp = -1;
    let sc = semi ? -1 : text.length;
    const nextSep = (from: number): number => {
      if (amp < from) amp = indexOrEnd(text, '&', from);
      if (sc < from) sc = indexOrEnd(text, ';', from);
      return Math.min(amp, sc);
    };
    spelt.lastIndex = 0;
    for (let m = spelt.exec(text); m !== null; m = spelt.exec(text)) {
      if (++seen > MAX_LOOKALIKES) return true;
      let start = m.index;
      for (let c = text.charCodeAt(start - 1); start > 0 && c !== AMP && (c !== SEMI || !semi); c = text.charCodeAt(start - 1)) start--;
      const end = nextSep(m.index);
      spelt.lastIndex = end + 1; // then the next piece: each is looked at once, by its first spelling of the name
      // WHATWG drops a leading `?`; else only brackets and spaces before the name in its key (not a value's)
      let i = start === 0 && text.charCodeAt(0) === 0x3f ? 1 : start;
      for (let n = paddingAt(text, i); i < m.index && n > 0; n = paddingAt(text, i)) i += n;
      if (i !== m.index) continue;
      // none before the name (above): the key ends at the piece's first `=`, or with it
      const limit = Math.min(end, start + MAX_PADDED_KEY + 1);
      let keyEnd = m.index;
      while (keyEnd < limit && text.charCodeAt(keyEnd) !== 0x3d) keyEnd++;
      if (keyEnd - start > MAX_PADDED_KEY || ++read > MAX_LOOKALIKES_READ) return true;
      const key = text.slice(start, keyEnd);
      // Rack's reading (the spaces after a separator are the separator's), then WHATWG's
      const rack = start === 0 ? key : key.replace(/^ +/, '');
      if (rack !== '' && filed(decode(rack))) return true;
      if (!semi) for (const [k] of new URLSearchParams(start === 0 ? key : `&${key}`)) if (filed(k)) return true;
    }
  }
  return false;
}

/** A parameter as every reading gives it (see formParam), or UNCLEAR when they differ or the form is too large to read. */
function readParam(form: Form, name: string, unclear = false): string | typeof UNCLEAR | undefined {
  if ('tooLarge' in form) {
    // a method override is told without reading the form; whether it is given is all the gate asks of it
    if (name === METHOD_OVERRIDE) return largeFormNames(form.tooLarge, name) ? UNCLEAR : undefined;
    return UNCLEAR;
  }
  const { readings } = form;
  const first = formParam(readings[0], name, unclear);
  for (let i = 1; i < readings.length; i++) if (formParam(readings[i], name, unclear) !== first) return UNCLEAR;
  return first;
}

/** A value computed on first use (a form is read only if a parameter is asked for). */
function once<T>(make: () => T): () => T {
  let made: { v: T } | null = null;
  return () => {
    made ??= { v: make() };
    return made.v;
  };
}

/** A content type's media type: `application/x-www-form-urlencoded; charset=utf-8` → `application/x-www-form-urlencoded`. */
const mediaType = (contentType: string | null | undefined): string => (contentType ?? '').split(';')[0].trim().toLowerCase();

/**
 * A call's parameters by name, as the gate reads them: the query's for reads, the
 * body's for writes. A body is read only when its media type is the provider's own encoding: one
 * labelled otherwise (`application/x-www-form-urlencoded; x=json`, JSON to a form API, text) may be read
 * by the provider as either or neither, so its parameters are UNCLEAR.
 */
export function callParams(
  method: string,
  url: string,
  body: Buffer | string | null,
  contentType: string | null | undefined,
  encoding: string,
): (name: string) => unknown {
  const q = url.indexOf('?');
  const query = once(() => formReadings(q === -1 ? '' : url.slice(q + 1)));
  // a write's parameters are its body's: one only in its query is read by the provider or not
  const fromQuery = (name: string) => readParam(query(), name, !paramsInQuery(method));
  if (!body || body.length === 0 || method === 'GET') return fromQuery;
  const media = mediaType(contentType);
  if (media !== mediaType(encoding)) {
    // Its parameters cannot be told, save a method override: one only where the body, read as a form
    // (as Rack reads a POST without a content type), names it; else a JSON body would always be refused.
    const form = once(() => formReadings(String(body)));
    return (name) => (name === METHOD_OVERRIDE && readParam(form(), name) === undefined ? fromQuery(name) : UNCLEAR);
  }
  // given in both the body and the query: which one the provider reads is not Linkhub's to guess
  const eitherOf = (inBody: unknown, name: string) => {
    const inQuery = fromQuery(name);
    if (inBody === undefined) return inQuery;
    return inQuery === undefined ? inBody : UNCLEAR;
  };
  if (media === 'application/x-www-form-urlencoded') {
    const form = once(() => formReadings(String(body)));
    return (name) => eitherOf(readParam(form(), name), name);
  }
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(String(body));
  } catch {
    // an unreadable body is the provider's to refuse; the policy sees no parameters in it
  }
  const obj = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  return (name) => eitherOf(Object.hasOwn(obj, name) ? obj[name] : undefined, name);
}
