// How the agent gate reads a call's parameters when it needs its amount: the way any of the provider's
// possible parsers could read them, and UNCLEAR where they could disagree. A cap is only as good as the
// agreement between what the gate reads and what the provider acts on: `amount=1&amount=90000` is 1 to
// one parser and 90000 to another; `amount=1& amount=90000` is two names to WHATWG's form parser and
// one repeated name to Rack's, which drops spaces after `&` (and Rack 2 also splits on `;`).

/** A parameter the provider may read otherwise than the gate would: the gate cannot tell the call's amount. */
export const UNCLEAR: unique symbol = Symbol('unclear');

export type Reading<V = string> = Iterable<[string, V]>;

/** Whether a call's parameters are its query's (reads and deletes), not its body's. */
export const paramsInQuery = (method: string): boolean => method === 'GET' || method === 'DELETE';

/**
 * A parameter in one reading of a form, query string or payload: its one value; UNCLEAR when the name is
 * repeated (a parser keeps the first or the last), when another key reads as the same name to a nested
 * parser (Rack 2 takes `[amount]` and `amount]` for `amount`; `amount[x]` makes it an object), or when
 * `unclear` says these values may not be the ones the provider reads (a write's query: the provider
 * may take it or ignore it).
 */
export function formParam<V>(entries: Reading<V>, name: string, unclear = false): V | typeof UNCLEAR | undefined {
  let value: V | undefined;
  let seen = 0;
  for (const [key, v] of entries) {
    if (key === name) {
      value = v;
      seen++;
    } else if (key.startsWith(name) || key.startsWith('[') || key.startsWith(']')) {
      if (BASE_NAME.exec(key)?.[1] === name) return UNCLEAR;
    }
  }
  if (seen === 0) return undefined;
  return seen > 1 || unclear ? UNCLEAR : value;
}

/** The name a nested-parameter parser files a key under: `[amount]`, `amount]`, `amount[x]` → `amount`. */
const BASE_NAME = /^[[\]]*([^[\]]+)/;

/**
 * The readings of form-encoded text a provider's parser may make: WHATWG's (split on `&`), and where
 * they differ from it, Rack 3's (split on `&` and the spaces after it) and Rack 2's (on `&` or `;`, and
 * the spaces after). Names and values are form-decoded in each.
 */
export function formReadings(text: string): Reading[] {
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
export function readParam(readings: readonly Reading[], name: string, unclear = false): string | typeof UNCLEAR | undefined {
  const first = formParam(readings[0], name, unclear);
  for (let i = 1; i < readings.length; i++) if (formParam(readings[i], name, unclear) !== first) return UNCLEAR;
  return first;
}
