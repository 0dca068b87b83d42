// Hand-picked hostile values for the fuzz suite (test/fuzz.test.ts, bench/fuzz.ts): the inputs that
// have broken servers like Linkhub before. Each list is small on purpose: the generator mixes them
// into values drawn from every route's schema, and the hand-picked sweep sends each one to every
// field of every route.

/** Strings: controls, broken UTF-16, traversal, prototype keys, normalisation tricks, injections. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%00',
  '\u0001\u0002\u0003',
  '\u0008',
  '\u001b[31mred',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009b',
  '\t',
  'line\nbreak',
  'cr\rlf\r\n',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\ude00b',
  '\udc00\ud800',
  '😀',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f',
  '%252e%252e%252f',
  '..\\..\\windows\\win.ini',
  '//evil.example/x',
  'http://169.254.169.254/latest/meta-data',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '\ufb01',
  '\u212a',
  '\u212b',
  'e\u0301',
  '\u0130',
  '\uff0e\uff0e\uff0f',
  '\u202eevil',
  '\ufeff',
  '\u200b',
  '\u2028\u2029',
  "' OR 1=1 --",
  '"; DROP TABLE accounts; --',
  '%s%s%s%n',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup, sent as text on purpose
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '99999999999999999999',
  '2147483648',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '0x7fffffff',
  'null',
  'true',
  '[]',
  '{}',
];

/** Long strings (built once): over every documented maxLength, and over the 1 MiB body limit in total. */
export const LONG_STRINGS: readonly string[] = ['A'.repeat(5_000), 'é'.repeat(70_000), '\u0000'.repeat(1_000), '😀'.repeat(40_000)];

/** Numbers at and past every boundary a column or a parser has. */
export const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  0.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  2 ** 63,
  1e308,
  -1e308,
  5e-324,
];

/** Object keys that pollute prototypes or break key handling. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '',
  ' ',
  '.',
  '$where',
  'a.b',
  'a[b]',
  '\u001b',
];

/** JSON nested `depth` levels deep, as text (building it as a value would recurse in JSON.stringify). */
export function deepJson(depth: number, kind: 'object' | 'array' = 'object'): string {
  return kind === 'object' ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);
}

/** Whole bodies no schema would generate: malformed, duplicated, polluting, deep, enormous numbers. */
export const HOSTILE_BODIES: readonly string[] = [
  '',
  '{',
  'null',
  '[]',
  '"\\u0000"',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '123456789012345678901234567890',
  '1e999',
  '{"x":"\\ud800"}',
  '{"x\\u0000":1}',
  deepJson(10_000),
  deepJson(10_000, 'array'),
  deepJson(200),
];

const SURROGATE = /[\ud800-\udfff]/;

/**
 * Percent-encoding of any JavaScript string, lone surrogates included: encodeURIComponent throws
 * URIError on one, so a lone surrogate is sent as its three-byte generalised UTF-8 form
 * (%ED%A0%80), which is what a hostile client puts on the wire.
 */
export function percentEncode(s: string): string {
  if (!SURROGATE.test(s)) return encodeURIComponent(s);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += `%${(0xe0 | (c >> 12)).toString(16).toUpperCase()}%${(0x80 | ((c >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (c & 0x3f)).toString(16).toUpperCase()}`;
    } else out += encodeURIComponent(s[i]);
  }
  return out;
}

/** Raw path segments sent unencoded on purpose (traversal, encoded NUL, overlong and invalid UTF-8). */
// ('..', '.' and '%2e%2e' are not here: the client's URL parser resolves them before sending.)
export const RAW_SEGMENTS: readonly string[] = ['%00', '..%2f..', '%C0%80', '%ED%A0%80', '%FF', '%', '%zz', '%u0000', ';', '%3B'];
