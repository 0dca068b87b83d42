// Fake Stripe API keys, ids and key masks for the local stand-in (docs/stripe.md#api-keys,
// #error-texts). Nothing here is a real credential: keys are random strings that only the stand-in
// knows.
import { randomBytes } from 'node:crypto';

/** `org`: an organization key, `sk_org_<mode>_…` (docs/stripe-org-keys.md). */
export type KeyKind = 'sk' | 'rk' | 'pk' | 'org';
export type Mode = 'live' | 'test';

/** Typical length of a current Stripe key (older ones are shorter); callers must not depend on it. */
export const KEY_LENGTH = 107;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes are drawn from a pool so the hot path (one request id per request)
// does not call into the CSPRNG every time.
let pool = Buffer.alloc(0);
let poolPos = 0;

function nextByte(): number {
  if (poolPos >= pool.length) {
    pool = randomBytes(4096);
    poolPos = 0;
  }
  return pool[poolPos++];
}

/** `n` characters of [A-Za-z0-9], uniformly distributed (rejection sampling). */
export function randomAlnum(n: number): string {
  let out = '';
  while (out.length < n) {
    const b = nextByte();
    if (b < 248) out += ALNUM[b % 62]; // 248 = 4 * 62: no modulo bias
  }
  return out;
}

/** A realistic random key: `sk_test_51` (`sk_org_test_51`) + alphanumerics, `length` characters in all. */
export function generateKey(kind: KeyKind, mode: Mode, length = KEY_LENGTH): string {
  const prefix = `${kind === 'org' ? 'sk_org' : kind}_${mode}_51`;
  return prefix + randomAlnum(Math.max(10, length - prefix.length));
}

/** `req_` + 14 alphanumerics, as in Stripe's `Request-Id` header. */
export function newRequestId(): string {
  return 'req_' + randomAlnum(14);
}

/** An object id such as `cus_` + 14 characters or `ch_` + 24. */
export function newObjectId(prefix: string, length: number): string {
  return prefix + randomAlnum(length);
}

/**
 * Masks a key the way Stripe's error texts do: the 8-character prefix (`sk_test_`), then
 * `*`s so the mask is as long as the key, then the last `visible` characters
 * (4 for "Invalid API Key provided", 6 for "Expired API Key provided" and the 403 text).
 * Very short strings keep only a 3-character head so the mask never reveals them whole.
 */
export function maskKey(key: string, visible: number): string {
  const len = key.length;
  if (len >= 8 + visible + 1) {
    return key.slice(0, 8) + '*'.repeat(len - 8 - visible) + key.slice(len - visible);
  }
  const head = Math.min(3, Math.floor(len / 2));
  return key.slice(0, head) + '*'.repeat(len - head);
}

/** Mask for "Invalid API Key provided: …" (last 4). */
export const maskInvalid = (key: string): string => maskKey(key, 4);
/** Mask for "Expired API Key provided: …" (last 6). */
export const maskExpired = (key: string): string => maskKey(key, 6);
/** Mask inside the restricted-key 403 sentence (as long as the key, last 6). */
export const maskForbidden = (key: string): string => maskKey(key, 6);

/** Last 4 characters, for logs; empty for strings too short to show any safely. */
export function keyLast4(key: string): string {
  return key.length >= 12 ? key.slice(-4) : '';
}

/** Kind and mode from a key's prefix, or undefined when it has none of the known ones. */
export function parseKeyPrefix(key: string): { kind: KeyKind; mode: Mode } | undefined {
  const m = /^(sk_org|sk|rk|pk)_(test|live)_/.exec(key);
  return m ? { kind: (m[1] === 'sk_org' ? 'org' : m[1]) as KeyKind, mode: m[2] as Mode } : undefined;
}
