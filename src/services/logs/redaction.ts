// Redaction of what the request log stores (bodies as stored-bodies.ts keeps them). Values of sensitive keys (number, cvc, secret, password, token, key,
// client_secret, …; see SENSITIVE_KEY) are replaced by "[redacted]" at any depth, and anything
// shaped like a provider's secret (each connector's maskSecrets: API keys, webhook and client
// secrets) or like Linkhub's own credentials is masked wherever it appears and in whatever encoding
// (secret-encodings.ts: percent, double percent, JSON and HTML escapes, base64, hex), so the
// account's key can never be stored even if a caller or provider echoes it. Card numbers are masked
// wherever they appear too, found by what they are (card-numbers.ts).
import { connectors } from '../../connectors/registry.js';
import { maskCardNumber, maskCardNumbers } from './card-numbers.js';
import { decodeOnce, maskEncoded } from './secret-encodings.js';

export const REDACTED = '[redacted]';

/** Keys whose values are never stored (case-insensitive, exact or by suffix). */
const SENSITIVE_KEY =
  /^(?:number|cvc|cvv|cvc_check|secret|password|passwd|token|key|api_key|client_secret|authorization|account_number|routing_number|id_number|personal_id_number|ssn_last_4|iban|exp_month|exp_year|pin)$|(?:_secret|_token|_key|_password|_number)$/i;

export function isSensitiveKey(k: string): boolean {
  return SENSITIVE_KEY.test(k);
}

/** Whether a name is sensitive by its last part, as a nested form name gives it: `card[number]`, `metadata[api_key]`. */
function sensitiveName(name: string): boolean {
  // scanned from the end, not /([A-Za-z0-9_]+)\]?$/: that tried every start of a long run of word
  // characters followed by something else (a 20,000-character key took 2.5 s, growing as its square)
  // what closes a nested name or follows it (`password[]`, `metadata[api_key][]`, `password ` from `%20`)
  let end = name.length;
  while (end > 0 && TRAILER.test(name[end - 1])) end--;
  let start = end;
  while (start > 0 && WORD.test(name[start - 1])) start--;
  return isSensitiveKey(start < end ? name.slice(start, end) : name);
}
const WORD = /[A-Za-z0-9_]/;
const TRAILER = /[[\]\s]/;

/**
 * Linkhub's own credentials (API keys `lh_…`, agent tokens `lhat_…`, OAuth refresh tokens `lhrt_…`: a
 * prefix and at least 32 base62 characters), masked as a provider's are: a caller may put one in a path
 * or body that is logged (`GET /v1/customers/lhat_…`).
 */
const OWN_SECRET = /\b(lh|lhat|lhrt)_[A-Za-z0-9]{32,}/g;

/**
 * Secrets that have no shape of their own, by their value: an operator's own API key
 * (LINKHUB_API_KEY may be any 24 printable characters), the admin password, the master keys, the
 * webhook signing secret, the metrics token. Masked wherever they show, as the shaped ones are.
 */
const known: string[] = [];

/** Adds configured secrets to those masked by value (empty and short values are no secret to look for). */
export function maskKnownSecrets(values: readonly (string | null | undefined)[]): void {
  for (const v of values) if (v && v.length >= 8 && !known.includes(v)) known.push(v);
}

const FULLWIDTH = /[\uff01-\uff5e]/;

function maskPlain(s: string): string {
  // a key written in fullwidth forms (`sk＿live＿…`) is read as the ASCII it stands for (a person recovers
  // the key from it); text holding none stays as written (an order number typed with an input method)
  if (FULLWIDTH.test(s)) {
    const ascii = s.normalize('NFKC');
    let masked = ascii;
    for (const c of connectors()) masked = c.maskSecrets(masked);
    if (masked !== ascii) s = masked;
  }
  for (const c of connectors()) s = c.maskSecrets(s);
  s = maskCardNumbers(s);
  for (const k of known) if (s.includes(k)) s = s.split(k).join(REDACTED);
  return s.includes('lh') ? s.replace(OWN_SECRET, '$1_[redacted]') : s;
}

/** Masks every registered provider's secrets inside a string, in any encoding (a key keeps only its kind, e.g. its prefix). */
export function maskSecrets(s: string): string {
  return maskEncoded(s, maskPlain);
}

/** A deep copy with sensitive values replaced and secrets masked. */
export function redactValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return maskSecrets(v);
  if (typeof v === 'number') return maskCardNumber(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth > 32) return '[too deep]';
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[shownKey(k)] = hiddenUnder(k, x) ? REDACTED : redactValue(x, depth + 1);
  return out;
}

/** A key as stored: a key is data too (`metadata: {"4242…": …}`), masked as a value is. */
export const shownKey = (k: string): string => (k.length >= 13 ? maskSecrets(k) : k);

/** Whether the value under a key is replaced by REDACTED (a sensitive name holding something). */
export const hiddenUnder = (k: string, x: unknown): boolean => sensitiveName(k) && x !== null && x !== '' && typeof x !== 'boolean';

/** Headers as people are shown them: sensitive names (`x-api-key`, read as `x_api_key`) redacted, secrets masked. */
export function redactHeaders(h: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, isSensitiveKey(k.replace(/-/g, '_')) ? REDACTED : maskSecrets(v)]));
}

/** Control characters (NUL cannot be stored in a Postgres text column) become visible escapes. */
export function clean(s: string): string {
  return /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s)
    ? s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : s;
}

/** Text that reads as form encoding (`a=1&card[number]=…`), not JSON. */
const formLike = (s: string): boolean => s.includes('=') && !/^\s*[{["]/.test(s);

/** A body's text with a form's (or JSON's) sensitive values redacted and secrets masked. */
export function redactText(s: string): string {
  if (formLike(s)) return maskSecrets(redactPairs(s));
  // JSON sent as text (to a form API, or a provider's JSON paths): its sensitive names as a parsed body's
  if (/^\s*[{[]/.test(s)) {
    try {
      return JSON.stringify(redactValue(JSON.parse(s)));
    } catch {
      /* not JSON after all: masked as text */
    }
  }
  return maskSecrets(s);
}

/** A body as people are shown it, whole: sensitive values redacted (a form's too) and secrets masked. */
export function redactShown(v: unknown): unknown {
  return typeof v === 'string' ? redactText(v) : redactValue(v);
}

/**
 * Paths that redaction left unchanged, remembered (bounded) so the calls that repeat them skip the
 * work. Only unchanged paths are kept: a path holding anything sensitive is never remembered.
 */
const UNCHANGED_PATHS = new Set<string>();
const UNCHANGED_PATHS_MAX = 2048;

/** Path with query string: values of sensitive parameters masked, secrets masked. */
export function redactPath(raw: string): string {
  if (UNCHANGED_PATHS.has(raw)) return raw;
  const out = redactPathOnce(raw);
  if (out === raw && raw.length <= 512) {
    if (UNCHANGED_PATHS.size >= UNCHANGED_PATHS_MAX) UNCHANGED_PATHS.clear();
    UNCHANGED_PATHS.add(raw);
  }
  return out;
}

function redactPathOnce(raw: string): string {
  const path = raw.replace(/[\x00-\x1f\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
  const q = path.indexOf('?');
  if (q === -1) return maskSecrets(path);
  return maskSecrets(path.slice(0, q + 1) + redactPairs(path.slice(q + 1)));
}

/** Form-encoded pairs (a query, a form body) with the values of sensitive names redacted. */
export function redactPairs(text: string): string {
  // `;` separates pairs too to some parsers (Rack 2): kept as written
  return text
    .split(/([&;])/)
    .map((pair) => {
      if (pair === '&' || pair === ';') return pair;
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      // the name as the server reads it, whatever layers of percent-encoding hide it (api%255Fkey)
      let name = pair.slice(0, eq);
      for (let i = 0; i < 3 && name.includes('%'); i++) name = decodeOnce(name);
      return sensitiveName(name) ? `${pair.slice(0, eq)}=${encodeURIComponent(REDACTED)}` : pair;
    })
    .join('');
}
