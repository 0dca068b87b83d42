// Tests of src/upstream/ with the Stripe connector's wire rules: Stripe's form encoding, the URL
// guard, the per-account throttle, the retry policy and the undici client, against the local
// Stripe stand-in and small node:http servers (a wire capture, a redirector and an "evil" host that
// must never be reached).
// Run: node --import tsx --test test/upstream.test.ts
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import Stripe from 'stripe';
import { queryStringifyRequestData } from '../node_modules/stripe/esm/utils.js';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  filterForwardHeaders,
  filterResponseHeaders,
  isRetryableResponse,
  resolveUpstreamPath,
  resolveUpstreamUrl,
  retryPolicy,
  shouldRetryError,
  Throttle,
  ThrottleError,
  UpstreamClient,
  UpstreamRequestError,
  UpstreamUnavailableError,
  UpstreamUrlError,
  appendQuery,
  type UpstreamClientOptions,
  type UpstreamRequest,
  type UpstreamResponse,
} from '../src/upstream/index.js';
import { stripeConnector } from '../src/connectors/stripe/connector.js';
import { formEncode } from '../src/connectors/stripe/form-encode.js';
import { CallProfiles } from '../src/services/calls/profiles.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

/** Stripe's wire rules, as the call path derives them from the connector. */
const STRIPE = new CallProfiles({ apiBases: {}, throttleRates: { production: null, test: null } }).get(stripeConnector);
/** What a request with `key` as Stripe credential carries: the credential and Stripe's rules. */
const as = (key: string) => ({ credential: { header: 'authorization', value: `Bearer ${key}`, secret: key }, rules: STRIPE.rules });
const withQuery = (path: string, params: unknown) => appendQuery(path, formEncode(params));
/** Stripe's test-mode rate, the throttle's rate for a test key. */
const TEST_RATE = STRIPE.rates.test;

// ---------------------------------------------------------------------------------------
// Fixtures

/** A tiny HTTP server recording what arrives on the wire. */
interface Capture {
  url: string;
  port: number;
  hits: { method: string; url: string; rawHeaders: string[]; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

async function startCapture(handler?: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<Capture> {
  const hits: Capture['hits'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      hits.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, headers: req.headers, body });
      if (handler) return handler(req, res, body);
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_capture0000001' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

let S: StripeStandin;
let evil: Capture;
const clients: UpstreamClient[] = [];

/** Tiny backoff so retries take milliseconds. */
const FAST_RETRY = { baseDelayMs: 2, maxDelayMs: 10, floorMs: 2 };

function client(opts: UpstreamClientOptions = {}): UpstreamClient {
  const c = new UpstreamClient({ timeoutMs: 2000, retry: FAST_RETRY, ...opts });
  clients.push(c);
  return c;
}

function get(c: UpstreamClient, path: string, extra: Partial<UpstreamRequest> = {}): Promise<UpstreamResponse> {
  return c.request({ base: S.url, method: 'GET', path, ...as(S.keys.secretTest), ...extra });
}

function json(r: UpstreamResponse): any {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(r.body.toString('utf8'));
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

/** The error, serialised every way a logger might, must not contain any stand-in key. */
function assertNoKey(err: unknown, key: string): void {
  assert.ok(err instanceof Error);
  const texts = [JSON.stringify(err), err.message, String(err), err.stack ?? '', JSON.stringify(Object.entries(err))];
  for (const t of texts) assert.ok(!t.includes(key), `key leaked in: ${t}`);
  assert.ok(!texts.join(' ').includes(key.slice(8)), 'a key fragment leaked');
}

before(async () => {
  S = await startStripeStandin();
  evil = await startCapture();
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await S.close();
  await evil.close();
});
beforeEach(() => {
  S.clearFaults();
  S.clearLog();
  S.setRateLimits(false);
});

// ---------------------------------------------------------------------------------------

describe('Stripe form encoding (formEncode)', () => {
  const cases: Record<string, unknown> = {
    flat: { name: 'Jenny Rosen', email: 'jenny@example.com', balance: -100, tax_exempt: 'none' },
    nested: { metadata: { order_id: '6735', 'weird key': 'a&b=c' }, address: { line1: '1 Main', city: 'Zürich' } },
    scalarArray: { expand: ['customer', 'invoice.subscription'] },
    objectArray: {
      items: [
        { price: 'price_1', quantity: 2 },
        { price: 'price_2', tax_rates: ['txr_1', 'txr_2'] },
      ],
    },
    booleansNumbers: { livemode: false, flag: true, amount: 2000, ratio: 0.25, big: 1e21 },
    nullUnsets: { description: null, metadata: { k: null } },
    undefinedSkipped: { a: undefined, b: 'x', c: [undefined, 'y'] },
    empties: { e: [], o: {}, s: '' },
    special: { q: 'email:\'a@b.c\' AND -name~"x"', s: "!'()*[]{}<> +%/?#&=", u: '日本語 ✓' },
    deep: { a: { b: { c: { d: [{ e: { f: 'g' } }] } } } },
    date: { created: new Date(1_700_000_000_123) },
  };
  for (const [name, data] of Object.entries(cases)) {
    it(`matches stripe-node byte for byte: ${name}`, () => {
      const expected = queryStringifyRequestData(data as Parameters<typeof queryStringifyRequestData>[0]);
      assert.equal(formEncode(data), expected);
    });
  }

  it("uses Stripe's bracket notation (docs/stripe.md#requests-and-form-encoding)", () => {
    assert.equal(formEncode({ metadata: { k: 'v' } }), 'metadata[k]=v');
    assert.equal(formEncode({ expand: ['a', 'b'] }), 'expand[0]=a&expand[1]=b'); // stripe-node indexes scalar arrays too
    assert.equal(formEncode({ items: [{ price: 'p' }] }), 'items[0][price]=p');
    assert.equal(formEncode({ t: true, f: false, n: null, z: 0 }), 't=true&f=false&n=&z=0');
    assert.equal(formEncode(null), '');
    assert.equal(formEncode('x'), '');
  });

  it('withQuery appends to a path with or without a query string', () => {
    assert.equal(withQuery('/v1/customers', { limit: 3 }), '/v1/customers?limit=3');
    assert.equal(withQuery('/v1/customers?limit=3', { email: 'a@b.c' }), '/v1/customers?limit=3&email=a%40b.c');
    assert.equal(withQuery('/v1/customers?', { a: 1 }), '/v1/customers?a=1');
    assert.equal(withQuery('/v1/customers', {}), '/v1/customers');
  });

  it('the stand-in decodes our body exactly as the one the real SDK sends', async () => {
    const c = client();
    const params = {
      name: 'Form Test',
      email: 'form-test@example.com',
      description: "Quotes ' and & and = and ü",
      metadata: { order: '42', note: 'a b+c' },
      preferred_locales: ['en', 'fr'],
      invoice_settings: { custom_fields: [{ name: 'PO', value: '123' }] },
      expand: ['test_clock'],
    };
    const sdk = new Stripe(S.keys.secretTest, S.sdkOptions(0));
    await sdk.customers.create(params as Stripe.CustomerCreateParams);
    const r = await c.request({ base: S.url, method: 'POST', path: '/v1/customers', ...as(S.keys.secretTest), body: formEncode(params) });
    assert.equal(r.status, 200, r.body.toString());
    const posts = S.log.filter((e) => e.method === 'POST');
    assert.equal(posts.length, 2);
    assert.deepEqual(posts[1].body, posts[0].body);
    assert.deepEqual(posts[1].body.metadata, { order: '42', note: 'a b+c' });
  });

  it('GET parameters travel in the query string', async () => {
    const c = client();
    const r = await get(c, withQuery('/v1/customers', { limit: 2, expand: ['data.test_clock'] }));
    assert.equal(r.status, 200);
    assert.equal(json(r).data.length, 2);
    assert.deepEqual(S.log[0].query, { limit: '2', expand: ['data.test_clock'] });
  });
});

// ---------------------------------------------------------------------------------------

describe('resolveUpstreamUrl (SSRF guard)', () => {
  type Case = [label: string, input: { url?: string | null; path?: string | null }, reason: string];
  const refused = (): Case[] => {
    const E = evil.port;
    const P = S.port;
    return [
      ['absolute URL in path', { path: `http://127.0.0.1:${E}/v1/customers` }, 'absolute_url_in_path'],
      ['absolute URL with userinfo in path', { path: 'https://api.stripe.com@evil.example/v1' }, 'absolute_url_in_path'],
      ['javascript: in path', { path: 'javascript:alert(1)' }, 'absolute_url_in_path'],
      ['file: in path', { path: 'file:///etc/passwd' }, 'absolute_url_in_path'],
      ['protocol-relative path', { path: `//127.0.0.1:${E}/v1/customers` }, 'protocol_relative'],
      ['slash-backslash path', { path: `/\\127.0.0.1:${E}/x` }, 'protocol_relative'],
      ['backslash traversal', { path: '/v1\\..\\..\\x' }, 'backslash'],
      ['relative path', { path: 'v1/customers' }, 'path_not_absolute'],
      ['@ in path', { path: `/v1/customers@127.0.0.1:${E}` }, 'at_sign'],
      ['encoded //', { path: `/%2f%2f127.0.0.1:${E}/x` }, 'encoded_character'],
      ['encoded // upper case', { path: `/%2F%2F127.0.0.1:${E}/x` }, 'encoded_character'],
      ['encoded ..', { path: '/v1/%2e%2e/%2e%2e/x' }, 'encoded_character'],
      ['encoded backslash', { path: '/v1/%5c%5cevil' }, 'encoded_character'],
      ['encoded @', { path: '/v1/%40evil.example' }, 'encoded_character'],
      ['encoded ?', { path: '/v1/customers%3fx=1' }, 'encoded_character'],
      ['double-encoded /', { path: '/v1/%252f%252fevil' }, 'double_encoding'],
      ['.. traversal', { path: '/v1/../../x' }, 'dot_segment'],
      ['.. escaping /v1', { path: '/v1/../v2/x' }, 'dot_segment'],
      ['. segment', { path: '/v1/./customers' }, 'dot_segment'],
      ['CRLF header injection', { path: '/v1/customers\r\nHost: evil.example' }, 'control_character'],
      ['NUL', { path: '/v1/customers\u0000' }, 'control_character'],
      ['TAB', { path: '/v1/cus\ttomers' }, 'control_character'],
      ['LF in query', { path: '/v1/customers?x=1\nX: y' }, 'control_character'],
      ['encoded NUL', { path: '/v1/customers%00' }, 'control_character'],
      ['empty segment', { path: '/v1//customers' }, 'empty_segment'],
      ['fragment', { path: '/v1/customers#x' }, 'fragment'],
      ['malformed escape', { path: '/v1/cus%zz' }, 'bad_escape'],
      ['non-ASCII (fullwidth solidus)', { path: '/v1/customers\uff0f..' }, 'invalid_character'],
      ['space in path', { path: '/v1/cus tomers' }, 'invalid_character'],
      ['too long', { path: '/v1/' + 'a'.repeat(20_000) }, 'too_long'],
      ['url on another port', { url: `http://127.0.0.1:${E}` }, 'foreign_origin'],
      ['url on another host', { url: `http://localhost:${P}` }, 'foreign_origin'],
      ['url with another scheme', { url: `https://127.0.0.1:${P}` }, 'foreign_origin'],
      ['url ftp', { url: `ftp://127.0.0.1:${P}` }, 'foreign_origin'],
      ['url public Stripe without alias', { url: 'https://api.stripe.com' }, 'foreign_origin'],
      ['url octal host on another port', { url: `http://0177.0.0.1:${E}` }, 'foreign_origin'],
      ['url userinfo trick (api.stripe.com@evil)', { url: `https://api.stripe.com@127.0.0.1:${E}` }, 'userinfo'],
      ['url userinfo trick (base@evil)', { url: `http://127.0.0.1:${P}@127.0.0.1:${E}` }, 'userinfo'],
      ['url with credentials on the base host', { url: `http://user:pw@127.0.0.1:${P}` }, 'userinfo'],
      ['url protocol-relative', { url: `//127.0.0.1:${E}` }, 'invalid_url'],
      ['url with empty authority', { url: `http:///127.0.0.1:${E}` }, 'invalid_url'],
      ['url without slashes', { url: `http:127.0.0.1:${P}` }, 'invalid_url'],
      ['url with backslashes', { url: `http:\\\\127.0.0.1:${E}` }, 'backslash'],
      ['url with CR/LF', { url: `http://127.0.0.1:${P}\r\n.evil.example` }, 'control_character'],
      ['url with leading space', { url: ` http://127.0.0.1:${E}` }, 'control_character'],
      ['url with query', { url: `http://127.0.0.1:${P}?next=http://evil` }, 'url_query_or_fragment'],
      ['url with fragment', { url: `http://127.0.0.1:${P}#frag` }, 'url_query_or_fragment'],
      ['url with fragment hiding @', { url: `http://127.0.0.1:${P}#@evil` }, 'userinfo'],
      ['url path traversal', { url: `http://127.0.0.1:${P}/v1/..` }, 'dot_segment'],
      ['url encoded path', { url: `http://127.0.0.1:${P}/%2e%2e` }, 'url_path'],
      ['url double slash path', { url: `http://127.0.0.1:${P}//evil` }, 'url_path'],
      ['url unparsable', { url: 'http://[::1' }, 'invalid_url'],
    ];
  };

  it('refuses every trick with a typed reason, and nothing is sent', async () => {
    const c = client();
    const cases = refused();
    assert.ok(cases.length >= 15);
    for (const [label, input, reason] of cases) {
      const err = await rejection(
        (async () => {
          const path = resolveUpstreamPath(S.url, input);
          return c.request({ base: S.url, method: 'GET', path, ...as(S.keys.secretTest) });
        })(),
      );
      assert.ok(err instanceof UpstreamUrlError, `${label}: got ${String(err)}`);
      assert.equal(err.reason, reason, `${label}: ${err.message}`);
      assert.ok(err.message.length > 10);
      assert.ok(!/[\r\n\0]/.test(err.message), `${label}: raw control characters in the message`);
    }
    assert.equal(evil.hits.length, 0, 'the evil host was reached');
    assert.equal(S.log.length, 0, 'a refused request reached the stand-in');
  });

  it('allows the base origin with or without a trailing slash, and a path prefix in url', () => {
    const base = S.url;
    const P = S.port;
    const ok: [{ url?: string | null; path?: string | null }, string][] = [
      [{ path: '/v1/customers?limit=3' }, '/v1/customers?limit=3'],
      [{ url: null, path: '/v1/customers' }, '/v1/customers'],
      [{ url: base, path: '/v1/customers' }, '/v1/customers'],
      [{ url: base + '/', path: '/v1/customers' }, '/v1/customers'],
      [{ url: `HTTP://127.0.0.1:${P}/`, path: '/v1/customers' }, '/v1/customers'],
      [{ url: base + '/v1', path: '/customers' }, '/v1/customers'],
      [{ url: base + '/v1/', path: '/customers/cus_123' }, '/v1/customers/cus_123'],
      [{ url: base + '/v1', path: null }, '/v1'],
      [{}, '/'],
      [{ path: '/v1/customers/' }, '/v1/customers/'],
      [{ path: '/v1/customers?email=a%40b.c&next=//x/../y' }, '/v1/customers?email=a%40b.c&next=//x/../y'],
      [{ path: "/v1/customers/search?query=email:'a@b.c'" }, '/v1/customers/search?query=email:%27a@b.c%27'],
      [{ path: '/v1/customers?name=Zo\u00eb M' }, '/v1/customers?name=Zo%C3%AB%20M'],
      [{ path: '/v1/customers/cus%20x' }, '/v1/customers/cus%20x'],
      // escaped letters, digits, - _ ~ are the characters themselves (RFC 3986, section 6.2.2.2); others stay escaped
      [{ path: '/v1/%72efunds/re%5F1%2D%7E%41%5a%30?amount=%31' }, '/v1/refunds/re_1-~AZ0?amount=%31'],
      [{ path: '/v1/customers/a%20%21%2C%5B%60%7B' }, '/v1/customers/a%20%21%2C%5B%60%7B'],
    ];
    for (const [input, expected] of ok) {
      assert.equal(resolveUpstreamPath(base, input), expected, JSON.stringify(input));
      assert.equal(resolveUpstreamUrl(base, input).origin, base);
    }
  });

  it('public Stripe origin is accepted as an alias of the configured base', () => {
    const u = resolveUpstreamUrl(S.url, { url: 'https://api.stripe.com', path: '/v1/customers' }, { aliases: ['https://api.stripe.com'] });
    assert.equal(u.href, `${S.url}/v1/customers`);
    assert.throws(() => resolveUpstreamUrl(S.url, { url: 'https://api.stripe.com.evil.example' }, { aliases: ['https://api.stripe.com'] }), UpstreamUrlError);
    assert.throws(() => resolveUpstreamUrl(S.url, { url: 'http://api.stripe.com' }, { aliases: ['https://api.stripe.com'] }), UpstreamUrlError);
  });

  it('default ports, case and a base with a path', () => {
    assert.equal(resolveUpstreamUrl('https://api.stripe.com', { url: 'https://API.Stripe.com:443/', path: '/v1/x' }).href, 'https://api.stripe.com/v1/x');
    assert.throws(() => resolveUpstreamUrl('https://api.stripe.com', { url: 'https://api.stripe.com:8443' }), /not the upstream API origin/);
    assert.throws(() => resolveUpstreamUrl('https://api.stripe.com', { url: 'https://api.stripe.com.' }), UpstreamUrlError);
    const gw = 'https://gw.example/stripe';
    assert.equal(resolveUpstreamUrl(gw, { path: '/v1/customers' }).href, 'https://gw.example/stripe/v1/customers');
    assert.equal(resolveUpstreamPath(gw, { path: '/v1/customers?limit=1' }), '/v1/customers?limit=1');
    assert.equal(resolveUpstreamUrl(gw, { url: 'https://gw.example/v1', path: '/customers' }).href, 'https://gw.example/stripe/v1/customers');
    assert.throws(
      () => resolveUpstreamUrl('ftp://x', { path: '/' }),
      (e) => e instanceof UpstreamUrlError && e.reason === 'invalid_base',
    );
  });

  it('a guarded path is served by the stand-in', async () => {
    const c = client();
    const r = await get(c, resolveUpstreamPath(S.url, { url: S.url + '/v1', path: '/customers?limit=3' }));
    assert.equal(r.status, 200);
    assert.equal(json(r).data.length, 3);
  });

  it('a redirect to another host is returned as is, never followed', async () => {
    const redirector = await startCapture((_req, res) => {
      res.writeHead(302, { location: `${evil.url}/steal`, 'content-type': 'text/plain' });
      res.end('moved');
    });
    try {
      const c = client();
      for (const method of ['GET', 'POST'] as const) {
        const r = await c.request({ base: redirector.url, method, path: '/v1/customers', ...as(S.keys.secretTest), body: method === 'POST' ? 'a=1' : null });
        assert.equal(r.status, 302);
        assert.equal(r.headers.location, `${evil.url}/steal`);
        assert.equal(r.attempts, 1);
        assert.equal(r.body.toString(), 'moved');
      }
      assert.equal(redirector.hits.length, 2);
      assert.equal(evil.hits.length, 0);
    } finally {
      await redirector.close();
    }
  });
});

// ---------------------------------------------------------------------------------------

describe('headers on the wire', () => {
  let cap: Capture;
  before(async () => {
    cap = await startCapture();
  });
  after(() => cap.close());
  beforeEach(() => {
    cap.hits.length = 0;
  });

  it('injects the bearer; the caller cannot override Authorization; hop-by-hop and cookies are dropped', async () => {
    const c = client();
    const key = S.keys.secretTest;
    const r = await c.request({
      base: cap.url,
      method: 'GET',
      path: '/v1/customers?limit=1',
      ...as(key),
      headers: {
        Authorization: 'Bearer sk_test_attacker',
        AUTHORIZATION: 'Basic eA==',
        'Proxy-Authorization': 'x',
        Connection: 'close',
        'Keep-Alive': 'timeout=1',
        'Transfer-Encoding': 'chunked',
        TE: 'trailers',
        Upgrade: 'h2c',
        Host: 'evil.example',
        'Content-Length': '999',
        Cookie: '',
        'Accept-Encoding': 'gzip',
        'Stripe-Version': '2025-03-31.basil',
        'Stripe-Account': 'acct_1',
        'X-Custom': 'kept',
      },
    });
    assert.equal(r.status, 200);
    assert.equal(r.requestId, 'req_capture0000001');
    const h = cap.hits[0];
    const auth = h.rawHeaders.filter((_, i) => i % 2 === 0 && h.rawHeaders[i].toLowerCase() === 'authorization');
    assert.equal(auth.length, 1, 'exactly one Authorization header');
    assert.equal(h.headers.authorization, `Bearer ${key}`);
    assert.equal(h.headers.host, `127.0.0.1:${cap.port}`);
    for (const gone of ['proxy-authorization', 'keep-alive', 'te', 'upgrade', 'cookie', 'accept-encoding', 'idempotency-key', 'content-type']) {
      assert.equal(h.headers[gone], undefined, gone);
    }
    assert.notEqual(h.headers.connection, 'close');
    assert.equal(h.headers['transfer-encoding'], undefined);
    assert.equal(h.headers['stripe-version'], '2025-03-31.basil');
    assert.equal(h.headers['stripe-account'], 'acct_1');
    assert.equal(h.headers['x-custom'], 'kept');
    assert.equal(h.headers['user-agent'], 'Linkhub/0.1');
  });

  it('POST: form content type and a generated linkhub-<uuid4> Idempotency-Key', async () => {
    const c = client();
    const r = await c.request({ base: cap.url, method: 'POST', path: '/v1/customers', ...as(S.keys.secretTest), body: 'name=x' });
    const h = cap.hits[0].headers;
    assert.match(String(h['idempotency-key']), /^linkhub-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(r.idempotencyKey, h['idempotency-key']);
    assert.equal(h['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(h['content-length'], '6');
    assert.equal(cap.hits[0].body, 'name=x');
    // GET and DELETE get no generated key.
    await c.request({ base: cap.url, method: 'DELETE', path: '/v1/customers/cus_1', ...as(S.keys.secretTest) });
    assert.equal(cap.hits[1].headers['idempotency-key'], undefined);
  });

  it("the caller's Idempotency-Key is kept (option or header), and sent once", async () => {
    const c = client();
    await c.request({ base: cap.url, method: 'POST', path: '/v1/customers', ...as(S.keys.secretTest), body: 'a=1', idempotencyKey: 'caller-key-1' });
    await c.request({
      base: cap.url,
      method: 'POST',
      path: '/v1/customers',
      ...as(S.keys.secretTest),
      body: 'a=1',
      headers: { 'Idempotency-Key': 'caller-key-2' },
    });
    assert.equal(cap.hits[0].headers['idempotency-key'], 'caller-key-1');
    assert.equal(cap.hits[1].headers['idempotency-key'], 'caller-key-2');
    assert.equal(cap.hits[1].rawHeaders.filter((x) => x.toLowerCase() === 'idempotency-key').length, 1);
  });

  it('repeated response headers are joined; filterResponseHeaders drops framing and cookies', async () => {
    const multi = await startCapture((_req, res) => {
      res.setHeader('x-multi', ['a', 'b']);
      res.setHeader('set-cookie', ['s=1']);
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    try {
      const c = client();
      const r = await c.request({ base: multi.url, method: 'GET', path: '/', ...as('sk_test_x') });
      assert.equal(r.headers['x-multi'], 'a, b');
      const f = filterResponseHeaders(r.headers);
      assert.equal(f['set-cookie'], undefined);
      assert.equal(f['content-length'], undefined);
      assert.equal(f.connection, undefined);
      assert.equal(f['keep-alive'], undefined);
      assert.equal(f['x-multi'], 'a, b');
      assert.equal(f['content-type'], 'application/json');
    } finally {
      await multi.close();
    }
  });
});

describe('filterForwardHeaders', () => {
  it('drops hop-by-hop, credentials, cookies, Connection-named and invalid headers; lowercases', () => {
    const out = filterForwardHeaders(
      {
        Authorization: 'Bearer x',
        Connection: 'keep-alive, X-Secret-Hop',
        'X-Secret-Hop': '1',
        'Proxy-Foo': 'y',
        Cookie: '',
        'Content-Length': '3',
        Host: 'h',
        Expect: '100-continue',
        'X-Forwarded-For': '10.0.0.1',
        'Stripe-Version': '2025-03-31.basil',
        'Idempotency-Key': 'k',
        'Content-Type': 'application/json',
        'X-Injected': 'a\r\nHost: evil',
        'Bad Name': 'v',
        'X-Num': 5,
        'X-Obj': { a: 1 },
        'X-Arr': ['a', 'b'],
        'x-account-id': 'acc_1',
      },
      ['x-account-id'],
    );
    assert.deepEqual(out, {
      'stripe-version': '2025-03-31.basil',
      'idempotency-key': 'k',
      'content-type': 'application/json',
      'x-num': '5',
      'x-arr': 'a, b',
    });
    assert.deepEqual(filterForwardHeaders(null), {});
  });
});

// ---------------------------------------------------------------------------------------

describe('Throttle', () => {
  it('fast path returns undefined (no promise); waiters are served FIFO at the rate', async () => {
    const t = new Throttle({ rate: 50, burst: 2 });
    assert.equal(t.acquire('a'), undefined);
    assert.equal(t.acquire('a'), undefined);
    const order: number[] = [];
    const start = performance.now();
    const waits = [0, 1, 2, 3].map((i) => {
      const w = t.acquire('a');
      assert.ok(w instanceof Promise);
      return w.then(() => order.push(i));
    });
    assert.equal(t.waiting('a'), 4);
    await Promise.all(waits);
    const elapsed = performance.now() - start;
    assert.deepEqual(order, [0, 1, 2, 3]);
    assert.ok(elapsed >= 4 * 20 - 5, `4 tokens at 50/s take ≥ 80 ms (took ${elapsed.toFixed(0)})`);
    assert.equal(t.acquire('b'), undefined, 'keys are independent');
    t.close();
  });

  it('refuses at once when the queue is full or the wait would be too long', async () => {
    const t = new Throttle({ rate: 10, burst: 1, maxQueue: 2, maxWaitMs: 10_000 });
    t.acquire('k');
    const p1 = t.acquire('k');
    const p2 = t.acquire('k');
    const start = performance.now();
    assert.throws(
      () => t.acquire('k'),
      (e) => e instanceof ThrottleError && e.reason === 'queue_full' && e.retryAfterMs > 0,
    );
    assert.ok(performance.now() - start < 20);
    await Promise.all([p1, p2]);

    const slow = new Throttle({ rate: 1, burst: 1, maxWaitMs: 500 });
    slow.acquire('k');
    assert.throws(
      () => slow.acquire('k'),
      (e) => e instanceof ThrottleError && e.reason === 'wait_too_long' && e.retryAfterMs >= 900,
    );
    t.close();
    slow.close();
  });

  it('abort removes a waiter; close rejects the rest', async () => {
    const t = new Throttle({ rate: 5, burst: 1 });
    t.acquire('k');
    const ac = new AbortController();
    const w1 = t.acquire('k', undefined, undefined, ac.signal)!;
    const w2 = t.acquire('k')!;
    ac.abort(new Error('caller gave up'));
    await assert.rejects(w1, /caller gave up/);
    assert.equal(t.waiting('k'), 1);
    t.close();
    await assert.rejects(w2, (e) => e instanceof ThrottleError && e.reason === 'closed');
  });

  it('drops idle buckets so the key map does not grow without bound', async () => {
    const t = new Throttle({ rate: 1000, burst: 2 });
    let peak = 0;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 1000; i++) assert.equal(t.acquire(`acct_${round}_${i}`), undefined);
      peak = Math.max(peak, t.size);
      await new Promise((r) => setTimeout(r, 5)); // every bucket refills to full: idle
    }
    assert.ok(peak < 2100, `6000 keys seen, at most ${peak} tracked`);
    t.sweep();
    assert.equal(t.size, 0);
    t.close();
  });

  it('60 → 36 concurrent calls on a 25/s test account: paced, and the stand-in never answers 429', async () => {
    // Control: without the throttle the stand-in's 25/s limit rejects part of the burst.
    S.setRateLimits({ test: 25 });
    const bare = client({ throttle: false });
    const N = 36;
    const unthrottled = await Promise.all(Array.from({ length: N }, () => get(bare, '/v1/customers?limit=1', { retries: 0 })));
    assert.ok(
      unthrottled.some((r) => r.status === 429),
      'control: the stand-in does rate limit',
    );

    S.setRateLimits({ test: 25 }); // fresh buckets
    S.clearLog();
    const c = client(); // default throttle: test keys 25/s, burst 12
    const start = performance.now();
    const res = await Promise.all(
      Array.from({ length: N }, () => get(c, '/v1/customers?limit=1', { throttleKey: 'acct_throttle', throttleRate: TEST_RATE, retries: 0 })),
    );
    const elapsed = performance.now() - start;
    assert.deepEqual(
      res.map((r) => r.status).filter((s) => s !== 200),
      [],
    );
    assert.equal(S.log.filter((e) => e.status === 429).length, 0);
    const burst = 12;
    assert.ok(elapsed >= ((N - burst) / 25) * 1000 - 40, `took ${elapsed.toFixed(0)} ms`);
  });

  it('client: a full queue → ThrottleError immediately, nothing sent', async () => {
    const c = client({ throttle: { burst: 1, maxQueue: 1 } });
    const q = { throttleKey: 'acct_q', throttleRate: 10 };
    const first = get(c, '/v1/customers?limit=1', q);
    const second = get(c, '/v1/customers?limit=1', q);
    const start = performance.now();
    const err = await rejection(get(c, '/v1/customers?limit=1', q));
    assert.ok(err instanceof ThrottleError && err.reason === 'queue_full');
    assert.ok(performance.now() - start < 30);
    assertNoKey(err, S.keys.secretTest);
    assert.deepEqual(
      (await Promise.all([first, second])).map((r) => r.status),
      [200, 200],
    );
    assert.equal(S.log.length, 2);
  });

  it("accounts get their environment's rate: Stripe's 100/s live and 25/s test, unless configured", () => {
    assert.deepEqual(STRIPE.rates, { production: 100, test: 25 });
    const tuned = new CallProfiles({ apiBases: {}, throttleRates: { production: null, test: 4 } }).get(stripeConnector);
    assert.deepEqual(tuned.rates, { production: 100, test: 4 });
  });
});

// ---------------------------------------------------------------------------------------

describe('retry policy', () => {
  it('backoff: min(base·2^(n-1), cap) × [0.5, 1], floored', () => {
    const p = DEFAULT_RETRY_POLICY;
    assert.equal(
      backoffDelay(p, 1, () => 0),
      500,
    ); // 250 floored to 500
    assert.equal(
      backoffDelay(p, 2, () => 0),
      500,
    );
    assert.ok(Math.abs(backoffDelay(p, 2, () => 0.999999) - 1000) < 0.01);
    assert.ok(Math.abs(backoffDelay(p, 5, () => 0.999999) - 5000) < 0.01); // capped at 5 s
    assert.equal(
      backoffDelay(p, 10, () => 0),
      2500,
    );
    const tiny = retryPolicy({ baseDelayMs: 10, maxDelayMs: 40, floorMs: 0 });
    assert.equal(
      backoffDelay(tiny, 1, () => 0),
      5,
    );
  });

  it('decisions follow stripe-node', () => {
    assert.equal(isRetryableResponse(500, 'false'), false);
    assert.equal(isRetryableResponse(400, 'true'), true);
    assert.equal(isRetryableResponse(503, undefined), true);
    assert.equal(isRetryableResponse(409, undefined), true);
    const lockTimeout = STRIPE.rules.transientAnswer;
    assert.equal(isRetryableResponse(429, undefined, Buffer.from('{"error":{"code":"rate_limit"}}'), lockTimeout), false);
    assert.equal(isRetryableResponse(429, undefined, Buffer.from('{"error":{"code":"lock_timeout"}}'), lockTimeout), true);
    assert.equal(isRetryableResponse(429, undefined, Buffer.from('{"error":{"code":"lock_timeout"}}')), false, 'without the connector rule');
    assert.equal(isRetryableResponse(401, undefined), false);
    const p = retryPolicy({ maxRetries: 0 });
    assert.equal(shouldRetryError(p, 0, 0, Object.assign(new Error('x'), { code: 'ECONNRESET' })), true, 'closed connection retried once');
    assert.equal(shouldRetryError(p, 1, 0, Object.assign(new Error('x'), { code: 'ECONNRESET' })), false);
    assert.equal(shouldRetryError(p, 0, 0, Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), false);
    assert.equal(shouldRetryError(retryPolicy(), 0, 2, Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), true);
  });
});

describe('UpstreamClient retries against the stand-in', () => {
  const attemptsInLog = (path = '/v1/customers'): number => S.log.filter((e) => e.path === path).length;

  it('429 lock_timeout (Stripe-Should-Retry: true) → retried', async () => {
    S.inject({ kind: 'lock_timeout', count: 2 });
    const r = await get(client(), '/v1/customers?limit=1');
    assert.equal(r.status, 200);
    assert.equal(r.attempts, 3);
    assert.equal(attemptsInLog(), 3);
    assert.deepEqual(
      S.log.map((e) => e.fault ?? null),
      ['lock_timeout', 'lock_timeout', null],
    );
  });

  it('500 with Stripe-Should-Retry: false → 1 attempt', async () => {
    S.inject({ kind: '500', count: 3 });
    const r = await get(client(), '/v1/customers?limit=1');
    assert.equal(r.status, 500);
    assert.equal(r.attempts, 1);
    assert.equal(attemptsInLog(), 1);
    assert.equal(r.headers['stripe-should-retry'], 'false');
  });

  it('503 → retried; persistent 503 → last response after maxRetries', async () => {
    S.inject({ kind: '503', count: 1 });
    const ok = await get(client(), '/v1/customers?limit=1');
    assert.equal(ok.status, 200);
    assert.equal(ok.attempts, 2);
    assert.equal(ok.earlierIndeterminate, true, 'the 503 retried may have done what it was asked');
    S.clearLog();
    S.inject({ kind: '503', count: 5 });
    const bad = await get(client(), '/v1/customers?limit=1');
    assert.equal(bad.status, 503);
    assert.equal(bad.attempts, 3);
    assert.equal(attemptsInLog(), 3);
    assert.match(String(bad.requestId), /^req_/);
  });

  it('409 → retried', async () => {
    S.inject({ kind: '409', count: 2 });
    const r = await get(client(), '/v1/customers?limit=1');
    assert.equal(r.status, 200);
    assert.equal(r.attempts, 3);
    assert.equal(r.earlierIndeterminate, false, 'a 409 says the key was in use: it did nothing');
    assert.equal(attemptsInLog(), 3);
  });

  it('socket reset → retried; always reset → UpstreamUnavailableError', async () => {
    S.inject({ kind: 'reset', count: 1 });
    const r = await get(client(), '/v1/customers?limit=1');
    assert.equal(r.status, 200);
    assert.equal(r.attempts, 2);
    assert.equal(attemptsInLog(), 2);

    S.clearLog();
    S.inject({ kind: 'reset', count: 5 });
    const err = await rejection(get(client(), '/v1/customers?limit=1'));
    assert.ok(err instanceof UpstreamUnavailableError, String(err));
    assert.equal(err.attempts, 3);
    assert.equal(err.code, 'connection_closed');
    assert.equal(attemptsInLog(), 3);
    assertNoKey(err, S.keys.secretTest);
  });

  it('a reset on the first attempt is retried once even with retries: 0 (stripe-node rule)', async () => {
    S.inject({ kind: 'reset', count: 1 });
    const r = await get(client(), '/v1/customers?limit=1', { retries: 0 });
    assert.equal(r.attempts, 2);
    assert.equal(r.status, 200);
  });

  it('429 rate_limit (no Stripe-Should-Retry) → 1 attempt', async () => {
    S.setRateLimits({ test: 1 });
    const c = client({ throttle: false });
    await get(c, '/v1/customers?limit=1');
    S.clearLog();
    const r = await get(c, '/v1/customers?limit=1');
    assert.equal(r.status, 429);
    assert.equal(r.attempts, 1);
    assert.equal(json(r).error.code, 'rate_limit');
    assert.equal(attemptsInLog(), 1);
  });

  it('401 and 403 → 1 attempt', async () => {
    const c = client();
    const r401 = await c.request({ base: S.url, method: 'GET', path: '/v1/customers', ...as(S.keys.expiredTest) });
    assert.equal(r401.status, 401);
    assert.equal(r401.attempts, 1);
    const r403 = await c.request({ base: S.url, method: 'GET', path: '/v1/customers', ...as(S.keys.restrictedTestNoCustomers) });
    assert.equal(r403.status, 403);
    assert.equal(r403.attempts, 1);
    assert.equal(attemptsInLog(), 2);
  });

  it('delay beyond the timeout on every attempt → UpstreamUnavailableError (timeout)', async () => {
    // undici's header/body timers tick every ~0.5 s, so a 100 ms timeout fires within ~1 s.
    S.inject({ kind: 'delay', delayMs: 1500, count: 2 });
    const err = await rejection(get(client(), '/v1/customers?limit=1', { timeoutMs: 100, retries: 1 }));
    assert.ok(err instanceof UpstreamUnavailableError, String(err));
    assert.equal(err.code, 'timeout');
    assert.equal(err.causeCode, 'UND_ERR_HEADERS_TIMEOUT');
    assert.equal(err.attempts, 2);
    assert.ok(err.durationMs < 2500, `took ${err.durationMs}`);
    assert.equal(attemptsInLog(), 2);
    assertNoKey(err, S.keys.secretTest);
  });

  it('a delay shorter than the timeout is just slow', async () => {
    S.inject({ kind: 'delay', delayMs: 50, count: 1 });
    const r = await get(client(), '/v1/customers?limit=1', { timeoutMs: 1000 });
    assert.equal(r.status, 200);
    assert.equal(r.attempts, 1);
    assert.ok(r.durationMs >= 45);
  });

  it('connection refused → retried, then UpstreamUnavailableError without the key', async () => {
    const dead = await startCapture();
    const deadUrl = dead.url;
    await dead.close();
    const err = await rejection(client().request({ base: deadUrl, method: 'POST', path: '/v1/customers', ...as(S.keys.secretLive), body: 'a=1' }));
    assert.ok(err instanceof UpstreamUnavailableError);
    assert.equal(err.code, 'connection_refused');
    assert.equal(err.attempts, 3);
    assert.match(String(err.idempotencyKey), /^linkhub-/);
    assertNoKey(err, S.keys.secretLive);
  });

  it('POST retried after 503 reuses one Idempotency-Key; the write happens once', async () => {
    const c = client();
    const email = `idem-503-${Date.now()}@example.com`;
    S.inject({ kind: '503', count: 2, pathPrefix: '/v1/customers' });
    const r = await c.request({ base: S.url, method: 'POST', path: '/v1/customers', ...as(S.keys.secretTest), body: formEncode({ email, name: 'Once' }) });
    assert.equal(r.status, 200);
    assert.equal(r.attempts, 3);
    const posts = S.log.filter((e) => e.method === 'POST');
    assert.equal(posts.length, 3);
    assert.match(String(posts[0].idempotencyKey), /^linkhub-/);
    assert.deepEqual(new Set(posts.map((e) => e.idempotencyKey)), new Set([r.idempotencyKey]));
    const created = json(r);

    // Replaying the same key (e.g. the caller retrying later) returns the same customer.
    const again = await c.request({
      base: S.url,
      method: 'POST',
      path: '/v1/customers',
      ...as(S.keys.secretTest),
      body: formEncode({ email, name: 'Once' }),
      idempotencyKey: r.idempotencyKey,
    });
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(json(again).id, created.id);
    const list = json(await get(c, withQuery('/v1/customers', { email })));
    assert.equal(list.data.length, 1);
  });

  it('POST whose first attempt times out while Stripe executes it: retries reuse the key, one customer exists', async () => {
    // Attempt 1 times out (~0.5–1 s, undici's timer resolution) while the stand-in sleeps
    // 1.5 s before executing it; later attempts get 409 idempotency_key_in_use (retried)
    // until the first execution is stored, then its replay.
    const c = client({ retry: { maxRetries: 10, baseDelayMs: 250, maxDelayMs: 250, floorMs: 250 }, random: () => 0 });
    const email = `idem-timeout-${Date.now()}@example.com`;
    S.inject({ kind: 'delay', delayMs: 1500, count: 1, pathPrefix: '/v1/customers' });
    const r = await c.request({
      base: S.url,
      method: 'POST',
      path: '/v1/customers',
      ...as(S.keys.secretTest),
      body: formEncode({ email }),
      idempotencyKey: `caller-${email}`,
      timeoutMs: 100,
    });
    assert.equal(r.status, 200, r.body.toString());
    assert.ok(r.attempts >= 2);
    assert.equal(r.headers['idempotent-replayed'], 'true', 'the answer is the replay of the first execution');
    assert.equal(r.earlierIndeterminate, true, 'an earlier attempt was sent and got no answer');
    const posts = S.log.filter((e) => e.method === 'POST');
    assert.ok(
      posts.every((e) => e.idempotencyKey === `caller-${email}`),
      'same caller key on every attempt',
    );
    const list = json(await get(c, withQuery('/v1/customers', { email })));
    assert.equal(list.data.length, 1, 'executed once');
  });

  it('PATCH without an idempotency key is not retried on a 503', async () => {
    const cap = await startCapture((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{}');
    });
    try {
      const r = await client().request({ base: cap.url, method: 'PATCH', path: '/x', ...as('k'), body: '{}', contentType: 'application/json' });
      assert.equal(r.attempts, 1);
      const p = await client().request({ base: cap.url, method: 'PUT', path: '/x', ...as('k') });
      assert.equal(p.attempts, 3);
    } finally {
      await cap.close();
    }
  });

  it('the caller cannot override Authorization (stand-in sees the injected key)', async () => {
    const r = await get(client(), '/v1/customers?limit=1', { headers: { Authorization: `Bearer ${S.keys.otherAccountSecretTest}` } });
    assert.equal(r.status, 200);
    assert.equal(S.log[0].keyLast4, S.keys.secretTest.slice(-4));
    assert.equal(S.log[0].authScheme, 'bearer');
  });

  it('no error ever carries the key', async () => {
    const key = S.keys.secretTest;
    const errs: unknown[] = [];
    // invalid header value → rejected by undici before sending
    errs.push(await rejection(get(client(), '/v1/customers', { headers: { 'x-bad': 'a\r\nb' } })));
    // a credential that is not a valid header value
    errs.push(await rejection(client().request({ base: S.url, method: 'GET', path: '/v1/customers', ...as(key + '\n') })));
    // unreachable
    S.inject({ kind: 'reset', count: 3 });
    errs.push(await rejection(get(client(), '/v1/customers')));
    // closed client
    const closed = client();
    await closed.close();
    errs.push(await rejection(get(closed, '/v1/customers')));
    for (const e of errs) assertNoKey(e, key);
    assert.ok(errs[0] instanceof UpstreamRequestError && errs[0].code === 'invalid_request');
    assert.ok(errs[1] instanceof UpstreamRequestError);
    assert.ok(errs[2] instanceof UpstreamUnavailableError);
    assert.ok(errs[3] instanceof UpstreamRequestError && errs[3].code === 'closed');
  });

  it('an abort signal stops the call without retrying', async () => {
    S.inject({ kind: 'delay', delayMs: 5_000, count: 1 });
    const ac = new AbortController();
    // Abort once the stand-in holds the request (it logs on arrival), not after a guessed delay.
    const arrived = setInterval(() => {
      if (S.log.length > 0) {
        clearInterval(arrived);
        ac.abort(new Error('client went away'));
      }
    }, 2);
    await assert.rejects(get(client(), '/v1/customers?limit=1', { signal: ac.signal }), /client went away/);
    clearInterval(arrived);
    assert.equal(attemptsInLog(), 1);
  });

  it('response metadata: request id, headers, duration', async () => {
    const r = await get(client(), '/v1/customers?limit=1');
    assert.match(String(r.requestId), /^req_[A-Za-z0-9]{14}$/);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['stripe-version'], '2025-03-31.basil');
    assert.equal(r.idempotencyKey, null);
    assert.ok(r.durationMs > 0);
    assert.equal(json(r).object, 'list');
  });
});
