// Redaction by a key's shape, in every encoding a URL or body can carry (property-based, seeded):
// random Stripe-shaped secrets (secret, restricted, publishable and organization keys, webhook and client
// secrets), encoded at random (percent-encoded in part or in full, twice, JSON or HTML escapes,
// base64, base64url, hex, a Basic credential) and set after word characters, must not show their
// secret part, nor their encoded form, in what redaction returns; then, over HTTP (in a proxied
// query, JSON or form body, idempotency key, or any URL), not in the call log's rows, its answers, or
// the server's log lines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { desc } from 'drizzle-orm';
import fc from 'fast-check';
import { maskSecrets, redactPath } from '../src/services/logs/redaction.js';
import { callLogSegments } from '../src/store/schema.js';
import { useLinkhub } from './helpers/fixture.js';
import { type Linkhub, linkAccount } from './helpers/linkhub.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261104);

interface Secret {
  /** The whole secret, e.g. sk_test_51H… */
  value: string;
  /** What must never show: the part after its kind (sk_test_, whsec_, pi_…_secret_). */
  tail: string;
}

const alnum = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: min, maxLength: max });

const secret: fc.Arbitrary<Secret> = fc.oneof(
  fc
    .tuple(fc.constantFrom('sk', 'rk', 'pk'), fc.constantFrom('test', 'live', 'org'), alnum(12, 99))
    .map(([kind, mode, tail]) => ({ value: `${kind}_${mode}_${tail}`, tail })),
  // organization keys with a mode word: sk_org_live_… must not keep its tail behind `sk_org_`
  fc.tuple(fc.constantFrom('live', 'test'), alnum(12, 99)).map(([mode, tail]) => ({ value: `sk_org_${mode}_${tail}`, tail })),
  alnum(16, 40).map((tail) => ({ value: `whsec_${tail}`, tail })),
  fc.tuple(fc.constantFrom('pi', 'seti', 'pm'), alnum(14, 24), alnum(12, 25)).map(([kind, id, tail]) => ({ value: `${kind}_${id}_secret_${tail}`, tail })),
);

const pct = (c: string, upper: boolean) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`;

/** Ways a client, a provider or a proxy may have written the secret. */
const ENCODINGS: Record<string, (s: string, upper: boolean) => string> = {
  plain: (s) => s,
  'underscores percent-encoded': (s, u) => s.replace(/_/g, pct('_', u)),
  'percent-encoded in full': (s, u) => [...s].map((c) => pct(c, u)).join(''),
  'percent-encoded twice': (s, u) => s.replace(/_/g, pct('_', u)).replace(/%/g, '%25'),
  'in full, twice': (s, u) => [...s].map((c) => pct(c, u).replace('%', '%25')).join(''),
  'JSON-escaped underscores': (s, u) => s.replace(/_/g, u ? '\\u005F' : '\\u005f'),
  'JSON-escaped in full': (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  'HTML character references': (s, u) => s.replace(/_/g, u ? '&#x5F;' : '&#95;'),
  base64: (s) => Buffer.from(s).toString('base64'),
  base64url: (s) => Buffer.from(s).toString('base64url'),
  'Basic credential': (s) => `Basic ${Buffer.from(`${s}:`).toString('base64')}`,
  hex: (s, u) => Buffer.from(s).toString('hex')[u ? 'toUpperCase' : 'toLowerCase'](),
  'base64, percent-encoded': (s) => encodeURIComponent(Buffer.from(s).toString('base64')),
};

interface Case {
  secret: Secret;
  encoding: string;
  /** The encoded secret, after `before` and ahead of `after`. */
  text: string;
  /** Forms that must not show: the tail, and a slice from the middle of the encoded secret. */
  needles: string[];
}

const cases: fc.Arbitrary<Case> = fc
  .record({
    secret,
    encoding: fc.constantFrom(...Object.keys(ENCODINGS)),
    upper: fc.boolean(),
    // word characters right before the secret: a pattern anchored on \b missed it there
    before: fc.string({ unit: fc.constantFrom(...'abcxyz_0129'), maxLength: 5 }),
    after: fc.constantFrom('', ' ', '&x=1', '"', '.'),
  })
  .map(({ secret, encoding, upper, before, after }) => {
    const encoded = ENCODINGS[encoding](secret.value, upper);
    const middle = encoded.slice(Math.floor(encoded.length / 3), Math.floor(encoded.length / 3) + 16);
    return { secret, encoding, text: `${before}${encoded}${after}`, needles: [secret.tail, middle] };
  });

function assertHidden(c: Case, where: string, haystack: string) {
  for (const n of c.needles)
    assert.ok(!haystack.includes(n), `${c.encoding} secret ${JSON.stringify(c.text)} shows ${JSON.stringify(n)} in ${where}: ${haystack.slice(0, 400)}`);
}

describe('redaction, generated secrets in generated encodings', () => {
  test('maskSecrets hides each in free text, a JSON string and a query string', () => {
    fc.assert(
      fc.property(cases, (c) => {
        assertHidden(c, 'text', maskSecrets(`note: ${c.text} end`));
        assertHidden(c, 'a path', redactPath(`/v1/customers?description=${c.text}&limit=3`));
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  // (Shapes match without a word boundary, so `desk_test_drive` is masked too: over-redaction is the safe side.)
  test('ordinary text is left as it is', () => {
    for (const s of ['cus_NffrFeUfNV2Hib', '/v1/customers?limit=3&starting_after=cus_NffrFeUfNV2Hib', 'Jenny Rosen <jenny@example.com>', 'a%20b%2Fc']) {
      assert.equal(maskSecrets(s), s);
    }
  });
});

let lh: Linkhub;
let accountId: string;

useLinkhub({ env: { LINKHUB_REQUEST_LOG_BODIES: 'all' } }, async (f) => {
  lh = f.lh;
  accountId = (await linkAccount(lh, f.stripe.keys.secretTest)).id;
});

describe('over HTTP: the call log and the server log', () => {
  test('a secret in a proxied query, body or form body, or in any URL, is in no row, answer or log line', async () => {
    await fc.assert(
      fc.asyncProperty(cases, fc.constantFrom('query', 'json body', 'form body'), async (c, place) => {
        const logsBefore = lh.logs.length;
        const enc = encodeURIComponent(c.text);
        const proxied =
          place === 'query'
            ? { method: 'get', path: `/v1/customers?email=${enc}` }
            : place === 'json body'
              ? {
                  method: 'post',
                  path: '/v1/customers',
                  body: { description: c.text, metadata: { note: c.text } },
                  // the caller's idempotency key is logged too (at most 255 characters)
                  ...(c.text.length <= 255 ? { headers: { 'Idempotency-Key': c.text } } : {}),
                }
              : { method: 'post', path: '/v1/customers', body: `description=${enc}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
        const res = await lh.api('POST', '/unified/proxy', proxied, { headers: { 'x-account-id': accountId } });
        assert.ok(res.status < 500, res.text);
        const url = await lh.api('GET', `/accounts?search=x&q=${enc}&api%255Fkey=${enc}`);
        assert.ok(url.status < 500, url.text);
        await lh.services.requestLog.flush();
        const [segment] = await lh.services.store.db.select().from(callLogSegments).orderBy(desc(callLogSegments.id)).limit(1);
        assertHidden(c, 'the call log row', JSON.stringify(segment));
        const logs = await lh.api('GET', '/requests/logs?page_size=1');
        assertHidden(c, 'the call log list', logs.text);
        const detail = await lh.api('GET', `/requests/logs/${logs.body.data[0].id}`);
        assertHidden(c, 'the call log detail', detail.text);
        assertHidden(c, 'the server log', lh.logs.slice(logsBefore).join('\n'));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
