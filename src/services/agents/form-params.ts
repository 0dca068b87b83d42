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

type Reading<V = string> = Iterable<[string, V]>;

/** Whether a call's parameters are its query's (reads and deletes), not its body's. */
const paramsInQuery = (method: string): boolean => method === 'GET' || method === 'DELETE';

/**
 * A parameter in one reading of a form, query string or payload: its one value; UNCLEAR when the name is
 * repeated (a parser keeps the first or the last), when another key reads as the same name to a nested
 * parser (Rack 2 takes `[amount]` and `amount]` for `amount`; `amount[x]` makes it an object) or to one
 * that trims names (` amount`), or when
 * `unclear` says these values may not be the ones the provider reads (a write's query: the provider
 * may take it or ignore it).
 */
function formParam<V>(entries: Reading<V>, name: string, unclear = false): V | typeof UNCLEAR | undefined {
  let value: V | undefined;
  let seen = 0;
  for (const [key, v] of entries) {
    if (key === name) {
      value = v;
      seen++;
    } else if (key.includes(name) && BASE_NAME.exec(key)?.[1]?.trim() === name) {
      return UNCLEAR;
    }
  }
  if (seen === 0) return undefined;
  return seen > 1 || unclear ? UNCLEAR : value;
}

/**
 * The name a nested-parameter parser files a key under: `[amount]`, `amount]`, `amount[x]` → `amount`;
 * with the spaces around it (` amount`, `[amount\t]`), which a parser that trims names drops.
 */
const BASE_NAME = /^[[\]]*([^[\]]+)/;

/**
 * The readings of form-encoded text a provider's parser may make: WHATWG's (split on `&`), and where
 * they differ from it, Rack 3's (split on `&` and the spaces after it) and Rack 2's (on `&` or `;`, and
 * the spaces after). Names and values are form-decoded in each.
 */
function formReadings(text: string): Reading[] {
  const standard = new URLSearchParams(text);
  if (!text.includes(';') && !text.includes('& ')) return [standard];
  return [standard, split(text, /& */), split(text, /[&;] */)];
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

/** A parameter as every reading gives it (see formParam), or UNCLEAR when they differ. */
function readParam(readings: readonly Reading[], name: string, unclear = false): string | typeof UNCLEAR | undefined {
  const first = formParam(readings[0], name, unclear);
  for (let i = 1; i < readings.length; i++) if (formParam(readings[i], name, unclear) !== first) return UNCLEAR;
  return first;
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
  const query = formReadings(q === -1 ? '' : url.slice(q + 1));
  // a write's parameters are its body's: one only in its query is read by the provider or not
  const fromQuery = (name: string) => readParam(query, name, !paramsInQuery(method));
  if (!body || body.length === 0 || method === 'GET') return fromQuery;
  const media = mediaType(contentType);
  if (media !== mediaType(encoding)) {
    // Its parameters cannot be told, save a method override: one only where the body, read as a form
    // (as Rack reads a POST without a content type), names it; else a JSON body would always be refused.
    const form = formReadings(String(body));
    return (name) => (name === METHOD_OVERRIDE && readParam(form, name) === undefined ? fromQuery(name) : UNCLEAR);
  }
  // given in both the body and the query: which one the provider reads is not Linkhub's to guess
  const eitherOf = (inBody: unknown, name: string) => {
    const inQuery = fromQuery(name);
    if (inBody === undefined) return inQuery;
    return inQuery === undefined ? inBody : UNCLEAR;
  };
  if (media === 'application/x-www-form-urlencoded') {
    const form = formReadings(String(body));
    return (name) => eitherOf(readParam(form, name), name);
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
