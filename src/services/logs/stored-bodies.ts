// Bodies as the request log stores them: redacted (redaction.ts), as text, at most BODY_CAP
// characters. Only what is kept is redacted: redacting a body whole cost ~0.4–0.55 s of the event
// loop a megabyte (a 16 MB upload would have stalled every call for seconds), so a text body is
// redacted from its head, and a JSON value is written redacted only until the cap (written here by
// hand: JSON.stringify cannot stop part-way).
import { clean, hiddenUnder, maskSecrets, REDACTED, redactPairs, redactText, shownKey } from './redaction.js';
import { maskCardNumber } from './card-numbers.js';

/** Cap of a stored body, in characters. */
export const BODY_CAP = 4096;
/** Raw bodies larger than this are not read at all: only their size is stored. */
const PARSE_LIMIT = 256 * 1024;
/** A text body's head redacted for the cap: more than it keeps, so no secret near the cap is cut in two. */
const TEXT_HEAD = BODY_CAP + 1024;
/** What a secret of any shape or encoding is made of: a text is cut where none goes on. */
const TOKEN_CHAR = /[A-Za-z0-9_%+/=.~-]/;

function cap(s: string, originalLength = s.length): string {
  s = clean(s);
  if (s.length <= BODY_CAP && originalLength <= TEXT_HEAD) return s;
  return `${s.slice(0, BODY_CAP)}…[truncated ${Math.max(0, originalLength - BODY_CAP)} characters]`;
}

/** The head of a long text, cut before the token that runs over TEXT_HEAD (a key cut in two would not be found). */
function head(text: string): string {
  let end = TEXT_HEAD;
  while (end > 0 && TOKEN_CHAR.test(text[end - 1])) end--;
  return text.slice(0, end);
}

/** A redacted text body: whole when short, else its head (the cap keeps no more). */
const textBody = (text: string, redact: (s: string) => string): string => (text.length <= TEXT_HEAD ? cap(redact(text)) : cap(redact(head(text)), text.length));

/** `"name": value` pairs of JSON text (whole or cut) whose name is sensitive, their value REDACTED. */
const jsonPairs = (text: string): string =>
  text.replace(/"((?:[^"\\]|\\.){1,200})"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]+)/g, (pair, name: string, colon: string) =>
    hiddenUnder(name, 'x') ? `"${name}"${colon}"${REDACTED}"` : pair,
  );

class Full extends Error {}

/**
 * JSON.stringify(redactValue(v)), written only until it passes `limit` characters: `whole` false
 * then, and `text` a head of it. Same rules as redactValue: strings masked, card numbers masked,
 * sensitive names' values REDACTED, keys masked, deeper than 32 levels '[too deep]'.
 */
function redactedJson(v: unknown, limit: number): { text: string; whole: boolean } {
  let out = '';
  const put = (s: string) => {
    out += s;
    if (out.length > limit) throw new Full();
  };
  // a string longer than the cap runs past it: only its head is masked (then it fills what is left)
  const masked = (x: string) => (x.length > TEXT_HEAD ? `${maskSecrets(head(x))}…` : maskSecrets(x));
  const write = (x: unknown, depth: number): void => {
    if (typeof x === 'string') put(JSON.stringify(masked(x)));
    else if (typeof x === 'number') put(JSON.stringify(maskCardNumber(x)));
    else if (x === null || typeof x !== 'object') put(JSON.stringify(x) ?? 'null');
    else if (depth > 32) put(JSON.stringify('[too deep]'));
    else if (Array.isArray(x)) {
      put('[');
      x.forEach((item, i) => {
        if (i > 0) put(',');
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') put('null');
        else write(item, depth + 1);
      });
      put(']');
    } else {
      put('{');
      let first = true;
      for (const [k, item] of Object.entries(x as Record<string, unknown>)) {
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        put(`${first ? '' : ','}${JSON.stringify(k.length > TEXT_HEAD ? masked(k) : shownKey(k))}:`);
        first = false;
        if (hiddenUnder(k, item)) put(JSON.stringify(REDACTED));
        else write(item, depth + 1);
      }
      put('}');
    }
  };
  try {
    write(v, 0);
    return { text: out, whole: true };
  } catch (e) {
    if (e instanceof Full) return { text: out, whole: false };
    throw e;
  }
}

/** A parsed body (a JSON value), redacted and capped; `size` of the raw body when known. */
function valueBody(v: unknown, size?: number): string {
  const r = redactedJson(v, BODY_CAP);
  if (r.whole) return cap(r.text);
  // the size as sent (serialising is ~100× cheaper than redacting)
  const total = size ?? JSON.stringify(v).length;
  return `${clean(r.text).slice(0, BODY_CAP)}…[truncated ${Math.max(0, total - BODY_CAP)} characters]`;
}

/** Redacted, capped text of a request body (a parsed body, or a form's text), or null. */
export function redactBody(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string') {
    // JSON sent as text, longer than its head: parsed when that is cheap (~10 ms a MB), so its
    // sensitive names are found; beyond, its head's `"name": value` pairs are read (jsonPairs)
    if (v.length > TEXT_HEAD && /^\s*[{[]/.test(v)) {
      if (v.length <= PARSE_LIMIT) {
        try {
          return valueBody(JSON.parse(v), v.length);
        } catch {
          /* not JSON after all */
        }
      }
      return textBody(v, (h) => maskSecrets(jsonPairs(h)));
    }
    return textBody(v, redactText);
  }
  return valueBody(v);
}

/** Redacted, capped text of a raw body (a provider response): JSON is parsed and redacted. */
export function redactRawBody(raw: Buffer | null, contentType: string | undefined): string | null {
  if (raw === null || raw.length === 0) return null;
  if (raw.length > PARSE_LIMIT) return `[omitted: ${raw.length} bytes]`;
  const ct = contentType ?? '';
  if (ct.includes('json') || (ct === '' && (raw[0] === 0x7b || raw[0] === 0x5b))) {
    try {
      return valueBody(JSON.parse(raw.toString('utf8')), raw.length);
    } catch {
      /* fall through: keep as text */
    }
  }
  if (ct.includes('x-www-form-urlencoded')) return textBody(raw.toString('utf8'), (s) => maskSecrets(redactPairs(s)));
  if (ct.startsWith('text/') || ct.includes('json')) return textBody(raw.toString('utf8'), maskSecrets);
  return `[binary: ${raw.length} bytes${ct ? `, ${ct}` : ''}]`;
}
