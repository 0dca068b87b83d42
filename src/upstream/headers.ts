// Which caller headers may travel upstream, and which upstream headers may travel back
// (the proxy's header rules, docs/stackone-compat.md#proxy). Names are lowercased; invalid names and values are dropped rather than
// passed to undici (which would throw).

/** Hop-by-hop (RFC 9110, section 7.6.1) and framing headers: never forwarded in either direction. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
];

/**
 * Request headers a caller may not send upstream: hop-by-hop/framing ones, the credential
 * (`authorization`, always injected by the client), cookies (the StackOne SDK sends an
 * empty `cookie:`), `expect` (undici rejects it), `accept-encoding` (bodies stay
 * uncompressed so the proxy can read them), `content-encoding`, client-address headers and method overrides.
 */
export const DROPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  'authorization',
  'cookie',
  'expect',
  'accept-encoding',
  // the body sent is the one Linkhub read (and encoded, on the proxy): never a compressed one
  'content-encoding',
  // what a gateway in front of the provider may take for the client's address or the URL asked
  // (x-forwarded-* by prefix, see droppedByPrefix): a rewritten path would not be the one Linkhub judged
  'forwarded',
  'x-real-ip',
  'via',
  'x-original-url',
  'x-rewrite-url',
  'x-original-host',
  'x-host',
  'max-forwards',
  // a server honouring one would do another method than the one Linkhub judged (a read-only agent's GET as a POST)
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);

/** Prefixes of request headers dropped whatever follows: `proxy-*` (hop-by-hop) and `x-forwarded-*` (see above). */
export function droppedByPrefix(name: string): boolean {
  return name.startsWith('proxy-') || name.startsWith('x-forwarded-');
}

/** Response headers not passed back: hop-by-hop/framing ones and `set-cookie`. */
export const DROPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([...HOP_BY_HOP, 'set-cookie']);

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** undici's rule for header values: no control characters besides TAB. */
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

type HeaderInput = Readonly<Record<string, unknown>> | null | undefined;

function headerValue(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(', ');
  return null;
}

/** Header names listed in a `Connection` value (hop-by-hop by declaration). */
function connectionTokens(v: unknown): string[] {
  const s = headerValue(v);
  return s
    ? s
        .toLowerCase()
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : [];
}

// Per call the same few values repeat (`Connection: keep-alive`, the same header names): the last
// Connection value's names, the names found valid and each name's last valid value are remembered
// rather than checked again.
let lastConnection: string | null = null;
let lastDeclared: ReadonlySet<string> = new Set();
const VALID_NAMES = new Set<string>();
const VALID_NAMES_MAX = 1024;

function declaredHopByHop(v: unknown): ReadonlySet<string> {
  if (typeof v === 'string' && v === lastConnection) return lastDeclared;
  const names = new Set(connectionTokens(v));
  if (typeof v === 'string') {
    lastConnection = v;
    lastDeclared = names;
  }
  return names;
}

/** The last value found valid per header name (bounded). */
const OK_VALUES = new Map<string, string>();
function okValue(name: string, v: string): boolean {
  if (BAD_VALUE.test(v)) return false;
  if (OK_VALUES.size < 256 || OK_VALUES.has(name)) OK_VALUES.set(name, v);
  return true;
}
function validName(name: string): boolean {
  if (VALID_NAMES.has(name)) return true;
  if (!TOKEN.test(name)) return false;
  if (VALID_NAMES.size >= VALID_NAMES_MAX) VALID_NAMES.clear();
  VALID_NAMES.add(name);
  return true;
}

/** `extra` as a set of lowercase names (a Set is taken as it is: its names are lowercase). */
function extraNames(extra: Iterable<string> | undefined): ReadonlySet<string> | null {
  if (extra === undefined) return null;
  if (extra instanceof Set) return extra;
  const out = new Set<string>();
  for (const e of extra) out.add(e.toLowerCase());
  return out;
}

function filter(input: HeaderInput, dropped: ReadonlySet<string>, extra: Iterable<string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!input) return out;
  const keys = Object.keys(input);
  let declared: ReadonlySet<string> | null = null;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k.length === 10 && k.toLowerCase() === 'connection') declared = declaredHopByHop(input[k]);
  }
  const more = extraNames(extra);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const name = k.toLowerCase();
    if (dropped.has(name) || droppedByPrefix(name) || declared?.has(name) || more?.has(name) || !validName(name)) continue;
    const v = headerValue(input[k]);
    if (v === null || (OK_VALUES.get(name) !== v && !okValue(name, v))) continue;
    const prev = out[name];
    out[name] = prev === undefined ? v : prev + ', ' + v;
  }
  return out;
}

/**
 * Caller headers safe to forward upstream (lowercased names, string values). Drops
 * `DROPPED_REQUEST_HEADERS`, `proxy-*`, headers named in `Connection`, names in `extraDrop`
 * (e.g. Linkhub's own `x-account-id`), invalid names and values containing CR/LF/NUL or
 * other control characters. Accepts Node's IncomingHttpHeaders or a JSON object. `extraDrop` as a
 * Set is used as it is (lowercase names: a module constant, built once).
 */
export function filterForwardHeaders(input: HeaderInput, extraDrop?: Iterable<string>): Record<string, string> {
  return filter(input, DROPPED_REQUEST_HEADERS, extraDrop);
}

/** Upstream response headers safe to hand back to a caller (drops hop-by-hop, framing, set-cookie). */
export function filterResponseHeaders(input: HeaderInput, extraDrop?: Iterable<string>): Record<string, string> {
  return filter(input, DROPPED_RESPONSE_HEADERS, extraDrop);
}
