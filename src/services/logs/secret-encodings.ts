// A secret hides from a pattern when it is encoded: `sk%5Ftest%5F…` in a query string, `sk%255F…`
// double-encoded, `sk\u005ftest…` JSON-escaped, `&#95;` in HTML, or base64/hex of the whole key (a
// Basic credential pasted into a body). maskEncoded() finds a secret in every such form with a
// plain-text masker (each connector's maskSecrets) and masks it:
// - text encodings (percent, %uXXXX, JSON and \x escapes, HTML character references) are decoded
//   layer by layer, at most MAX_LAYERS deep; when the deepest layer holds a secret, the answer is
//   that layer, masked (the decoded text: it is only ever stored or logged, never sent on);
// - base64 and hex runs are decoded at every alignment; a run whose decoding holds a secret
//   (in any of the forms above) is replaced by [redacted].
// Text with no encoded character and no such run takes the fast path: the masker alone.

type Masker = (s: string) => string;

const MAX_LAYERS = 4;
const REDACTED = '[redacted]';

/** Characters or runs that may encode something: without any, the text is only what it says. */
const MAY_ENCODE = /[%\\&]|[A-Za-z0-9+/_-]{16,}/;

const PERCENT_BYTES = /(?:%[0-9A-Fa-f]{2})+/g;
const PERCENT_U = /%u([0-9A-Fa-f]{4})/g;
const ESCAPE_U = /\\u([0-9A-Fa-f]{4})/g;
const ESCAPE_X = /\\x([0-9A-Fa-f]{2})/g;
const CHAR_REF = /&#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}));?|&lowbar;|&UnderBar;/g;

const fromCode = (code: number) => (code <= 0x10ffff ? String.fromCodePoint(code) : '');

/** One layer of every text encoding decoded (bytes of a percent run as UTF-8, leniently). */
export function decodeOnce(s: string): string {
  if (!/[%\\&]/.test(s)) return s;
  return s
    .replace(PERCENT_BYTES, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'))
    .replace(PERCENT_U, (_m, h: string) => fromCode(Number.parseInt(h, 16)))
    .replace(ESCAPE_U, (_m, h: string) => fromCode(Number.parseInt(h, 16)))
    .replace(ESCAPE_X, (_m, h: string) => fromCode(Number.parseInt(h, 16)))
    .replace(CHAR_REF, (_m, hex?: string, dec?: string) => (hex ? fromCode(Number.parseInt(hex, 16)) : dec ? fromCode(Number.parseInt(dec, 10)) : '_'));
}

const BASE64_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX_RUN = /[0-9A-Fa-f]{24,}/g;

/** The texts a base64 or hex run may stand for (every alignment: it may continue other data). */
function runDecodings(run: string, hex: boolean): string[] {
  const out: string[] = [];
  if (hex) {
    for (const start of [0, 1]) out.push(Buffer.from(run.slice(start, start + ((run.length - start) & ~1)), 'hex').toString('latin1'));
    return out;
  }
  // Node's base64 decoder reads the URL-safe alphabet too
  for (let start = 0; start < 4; start++) out.push(Buffer.from(run.slice(start), 'base64').toString('latin1'));
  return out;
}

/**
 * A decoding that could hold a secret: a secret is a long run of word characters, possibly still
 * encoded. Most runs are ids whose decoding is noise: this spares the masker those.
 */
const PLAUSIBLE = /[A-Za-z0-9_%\\&#;]{10,}/;

/** True when `s`, in any form maskEncoded knows, holds something `mask` masks. */
function holdsSecret(s: string, mask: Masker, depth: number): boolean {
  return PLAUSIBLE.test(s) && maskEncoded(s, mask, depth) !== s;
}

/** `s` with every secret `mask` recognises masked, in whatever encoding it came. */
export function maskEncoded(s: string, mask: Masker, depth = 0): string {
  if (!MAY_ENCODE.test(s)) return mask(s);
  let layer = s;
  for (let i = 0; i < MAX_LAYERS; i++) {
    const next = decodeOnce(layer);
    if (next === layer) break;
    layer = next;
  }
  const maskedLayer = layer === s ? null : mask(layer);
  let out = maskedLayer !== null && maskedLayer !== layer ? maskedLayer : mask(s);
  if (depth >= 2) return out;
  for (const [pattern, hex] of [
    [BASE64_RUN, false],
    [HEX_RUN, true],
  ] as const) {
    out = out.replace(pattern, (run) => (runDecodings(run, hex).some((d) => holdsSecret(d, mask, depth + 1)) ? REDACTED : run));
  }
  return out;
}
