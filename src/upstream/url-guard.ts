// Guards the one place where a caller chooses where a stored credential is sent: the
// proxy's `url` + `path` (StackOne's proxy, docs/stackone-compat.md#proxy). `resolveUpstreamUrl` returns a URL on the base's
// origin (same scheme, host and port) and under the base's path, or throws
// `UpstreamUrlError`. Nothing is ever sent for a refused input.
//
// How `url` and `path` combine (documented behaviour):
//   - `base` is the configured API root, e.g. `https://api.example.com` (or a stand-in
//     `http://127.0.0.1:12111`, or a root with a path such as `https://gw.corp/example`).
//   - `url` is optional. When given it must be an absolute http(s) URL whose origin
//     (protocol + hostname + port, after WHATWG parsing, so `HTTPS://API.EXAMPLE.COM:443/`
//     equals `https://api.example.com`) is the base's origin or one of `opts.aliases`
//     (e.g. the public `https://api.example.com` while the base points at a stand-in).
//     Its path, if any, is a prefix *relative to the API root*: plain segments only
//     (`[A-Za-z0-9._~-]`, no `.`/`..`, no escapes), no userinfo, query or fragment.
//   - `path` starts with `/` and may carry a query string; it is appended to
//     base path + url path. Examples with base `https://api.example.com`:
//       url null,                         path `/v1/customers?limit=3` → /v1/customers?limit=3
//       url `https://api.example.com/`,    path `/v1/customers`         → /v1/customers
//       url `https://api.example.com/v1`,  path `/customers`            → /v1/customers
//       url `https://api.example.com/v1/`, path `/v1/customers`         → /v1/v1/customers (not merged)
//     With base `https://gw.corp/example`, url `https://api.example.com/v1` (an alias) and
//     path `/customers` give https://gw.corp/example/v1/customers.
//   - No path (null or '') means the url's path, or the base root `/`.
//
// Path rules (refused with a typed reason): must start with a single `/`; no scheme; no
// `#`; no control characters (C0, DEL) anywhere; in the path part only printable ASCII,
// no `\`, no `@`, no empty (`//`) or dot (`.`, `..`) segments, and percent-escapes must be
// well-formed and must not encode `/ \ . % @ ? #` or control characters (so `%2f`, `%5c`,
// `%2e%2e`, `%40` and double encoding `%252f` are refused). The query part may contain
// anything but control characters and `#`; WHATWG encoding applies to spaces and non-ASCII.
// Redirects are never followed by the client (see client.ts), so a 3xx cannot move the
// request elsewhere either.

export type UpstreamUrlErrorReason =
  | 'invalid_base'
  | 'invalid_url'
  | 'foreign_origin'
  | 'userinfo'
  | 'url_query_or_fragment'
  | 'url_path'
  | 'absolute_url_in_path'
  | 'protocol_relative'
  | 'path_not_absolute'
  | 'control_character'
  | 'invalid_character'
  | 'backslash'
  | 'at_sign'
  | 'fragment'
  | 'bad_escape'
  | 'encoded_character'
  | 'double_encoding'
  | 'empty_segment'
  | 'dot_segment'
  | 'outside_base'
  | 'too_long';

export class UpstreamUrlError extends Error {
  override readonly name = 'UpstreamUrlError';
  constructor(
    readonly reason: UpstreamUrlErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export interface ResolveOptions {
  /** Origins a caller may name in `url` as synonyms of the base (e.g. 'https://api.example.com'). */
  aliases?: readonly string[];
}

interface Base {
  origin: string;
  protocol: string;
  hostname: string;
  port: string;
  /** Base path without trailing slash ('' for a root base). */
  prefix: string;
}

const MAX_PATH = 16 * 1024;
const MAX_URL = 2048;
const CONTROL = /[\x00-\x1f\x7f]/;
const CONTROL_OR_SPACE = /[\x00-\x20\x7f]/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const URL_HEAD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]+/;
const URL_PATH = /^(?:\/[A-Za-z0-9._~-]+)*\/?$/;
const NON_PRINTABLE = /[^\x21-\x7e]/;
const HEX = /^[0-9A-Fa-f]{2}$/;
/**
 * A percent-escape of a letter, digit, `-`, `_` or `~` (RFC 3986, section 2.3: the same URI as the
 * character itself, section 6.2.2.2): written plainly, so that what the call is taken for (the agent
 * policy matches `/v1/refunds`) is what the provider reads, whether or not it decodes `/v1/%72efunds`.
 */
const ESCAPED_UNRESERVED = /%(4[1-9A-Fa-f]|5[0-9Aa]|6[1-9A-Fa-f]|7[0-9Aa]|3[0-9]|2[Dd]|5[Ff]|7[Ee])/g;

/** Shows a refused value safely in a message: JSON-quoted (controls escaped), truncated. */
function show(s: string): string {
  return JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s);
}

function fail(reason: UpstreamUrlErrorReason, message: string): never {
  throw new UpstreamUrlError(reason, message);
}

const baseCache = new Map<string, Base>();

function parseBase(base: string): Base {
  const hit = baseCache.get(base);
  if (hit) return hit;
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    return fail('invalid_base', 'The upstream base URL is not a valid absolute URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') fail('invalid_base', 'The upstream base URL must be http or https');
  if (u.username || u.password || u.search || u.hash) fail('invalid_base', 'The upstream base URL must not carry credentials, a query or a fragment');
  const b: Base = { origin: u.origin, protocol: u.protocol, hostname: u.hostname, port: u.port, prefix: u.pathname.replace(/\/+$/, '') };
  if (baseCache.size > 64) baseCache.clear();
  baseCache.set(base, b);
  return b;
}

function sameOrigin(a: { protocol: string; hostname: string; port: string }, b: Base): boolean {
  return a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port;
}

/** The path prefix named by `url` (relative to the API root), after checking its origin. */
function urlPrefix(raw: string, base: Base, aliases: readonly string[] | undefined): string {
  if (raw.length > MAX_URL) fail('too_long', 'url is too long');
  if (CONTROL_OR_SPACE.test(raw)) fail('control_character', `url contains whitespace or a control character: ${show(raw)}`);
  if (raw.includes('\\')) fail('backslash', `url must not contain a backslash: ${show(raw)}`);
  if (raw.includes('@')) fail('userinfo', `url must not contain '@' (credentials or a host in disguise): ${show(raw)}`);
  if (raw.includes('?') || raw.includes('#')) fail('url_query_or_fragment', 'url must not carry a query or fragment; put the query string in path');
  const head = URL_HEAD.exec(raw);
  if (!head) fail('invalid_url', `url must be an absolute http(s) URL such as ${show(base.origin)}: got ${show(raw)}`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return fail('invalid_url', `url is not a valid URL: ${show(raw)}`);
  }
  if (u.username || u.password) fail('userinfo', 'url must not contain credentials');
  let ok = sameOrigin(u, base);
  if (!ok && aliases) {
    for (const a of aliases) {
      const alias = parseBase(a);
      if (sameOrigin(u, alias)) {
        ok = true;
        break;
      }
    }
  }
  if (!ok)
    fail(
      'foreign_origin',
      `url ${show(u.origin)} is not the upstream API origin ${show(base.origin)}; requests with this account's credentials may only go there`,
    );
  const rawPath = raw.slice(head[0].length);
  if (!URL_PATH.test(rawPath)) fail('url_path', `url path must be plain segments (letters, digits, . _ ~ -) without '.' or '..': ${show(rawPath)}`);
  for (const seg of rawPath.split('/'))
    if (seg === '.' || seg === '..') fail('dot_segment', `url path must not contain '.' or '..' segments: ${show(rawPath)}`);
  // The WHATWG parser must agree with the raw reading (it would not if, e.g., it
  // reinterpreted the authority); otherwise refuse rather than guess.
  if (u.pathname !== (rawPath || '/')) fail('invalid_url', `url could not be read unambiguously: ${show(raw)}`);
  return rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
}

/** Checks the path part (before `?`) of `path`. */
function checkPathname(p: string): void {
  if (NON_PRINTABLE.test(p)) fail('invalid_character', `path must be printable ASCII (percent-encode other characters): ${show(p)}`);
  if (p.includes('\\')) fail('backslash', `path must not contain a backslash: ${show(p)}`);
  if (p.includes('@')) fail('at_sign', `path must not contain '@': ${show(p)}`);
  let i = p.indexOf('%');
  while (i !== -1) {
    const hex = p.slice(i + 1, i + 3);
    if (!HEX.test(hex)) fail('bad_escape', `path has a malformed percent-escape at ${show(p.slice(i, i + 3))}`);
    const byte = parseInt(hex, 16);
    if (byte === 0x25) fail('double_encoding', `path must not contain '%25' (double encoding): ${show(p)}`);
    if (byte < 0x20 || byte === 0x7f) fail('control_character', `path must not encode control characters: ${show(p)}`);
    // / \ . @ ? #
    if (byte === 0x2f || byte === 0x5c || byte === 0x2e || byte === 0x40 || byte === 0x3f || byte === 0x23) {
      fail('encoded_character', `path must not percent-encode '${String.fromCharCode(byte)}' (${show(p.slice(i, i + 3))})`);
    }
    i = p.indexOf('%', i + 3);
  }
  // Segments: the first split element is '' (leading '/'); a trailing '' is a trailing slash.
  const segs = p.split('/');
  for (let s = 1; s < segs.length; s++) {
    const seg = segs[s];
    if (seg === '.' || seg === '..') fail('dot_segment', `path must not contain '.' or '..' segments: ${show(p)}`);
    if (seg === '' && s !== segs.length - 1) fail('empty_segment', `path must not contain '//': ${show(p)}`);
  }
}

/**
 * Resolves caller-supplied `url`/`path` against the configured `base` (see the header
 * comment for how they combine). Throws `UpstreamUrlError` for anything that could reach
 * another scheme, host or port, or escape the base path.
 */
export function resolveUpstreamUrl(base: string, input: { url?: string | null; path?: string | null }, opts?: ResolveOptions): URL {
  const b = parseBase(base);
  const url = input.url;
  const prefix = url === undefined || url === null || url === '' ? '' : urlPrefix(url, b, opts?.aliases);

  const path = input.path ?? '';
  let pathname = '';
  let query = '';
  if (path !== '') {
    if (path.length > MAX_PATH) fail('too_long', 'path is too long');
    if (CONTROL.test(path)) fail('control_character', `path contains a control character (CR, LF, NUL, TAB, …): ${show(path)}`);
    if (SCHEME.test(path)) fail('absolute_url_in_path', `path must be a path such as "/v1/customers", not an absolute URL: ${show(path)}`);
    if (path[0] !== '/') fail('path_not_absolute', `path must start with '/': ${show(path)}`);
    if (path[1] === '/' || path[1] === '\\') fail('protocol_relative', `path must not start with '//' (a protocol-relative URL): ${show(path)}`);
    if (path.includes('#')) fail('fragment', `path must not contain a fragment ('#'): ${show(path)}`);
    const q = path.indexOf('?');
    pathname = q === -1 ? path : path.slice(0, q);
    query = q === -1 ? '' : path.slice(q);
    checkPathname(pathname);
    pathname = pathname.replace(ESCAPED_UNRESERVED, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }

  const full = b.prefix + prefix + pathname;
  let u: URL;
  try {
    u = new URL(b.origin + (full === '' ? '/' : full) + query);
  } catch {
    return fail('invalid_url', 'path could not be combined with the upstream base URL');
  }
  // Defence in depth: the parsed result must still be on the base origin and under its path.
  if (u.origin !== b.origin || u.username || u.password || u.hash) fail('outside_base', 'the resolved URL left the upstream origin');
  if (b.prefix !== '' && u.pathname !== b.prefix && !u.pathname.startsWith(b.prefix + '/')) {
    fail('outside_base', 'the resolved URL left the upstream base path');
  }
  return u;
}

/**
 * Like `resolveUpstreamUrl`, but returns the request target relative to the base root
 * (`/v1/customers?limit=3`): what `UpstreamClient.request({base, path})` expects, since
 * the client prepends the base's own path (if any) itself.
 */
export function resolveUpstreamPath(base: string, input: { url?: string | null; path?: string | null }, opts?: ResolveOptions): string {
  const u = resolveUpstreamUrl(base, input, opts);
  const rel = u.pathname.slice(parseBase(base).prefix.length);
  return (rel === '' ? '/' : rel) + u.search;
}
