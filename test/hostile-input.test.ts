// The causes the fuzz suite (fuzz.test.ts) found, one by one, each answered 400 invalid_input naming
// the field instead of a 500: control characters and unpaired surrogates in path parameters, query
// filters, declared strings, metadata keys and values (PostgreSQL refuses U+0000 in text and jsonb);
// nesting thousands of levels deep (the MCP id restorer, the form encoder, metadata); an unpaired
// surrogate reaching the form encoder (encodeURIComponent throws); a delivery id past 2^53.
// Free text inside open values keeps its tabs and newlines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { type ApiResponse, basic, type Linkhub, linkAccount } from './helpers/linkhub.js';
import { deepJson } from './fuzz/hostile.js';
import { formEncode, MAX_FORM_DEPTH } from '../src/connectors/stripe/form-encode.js';
import { LinkhubError } from '../src/errors/fail.js';

let lh: Linkhub;
let accountId: string;

useLinkhub({}, async (f) => {
  lh = f.lh;
  accountId = (await linkAccount(lh, f.stripe.keys.secretTest)).id;
});

/** A request with exactly this body text (JSON.stringify would not let a test write every form). */
async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const res = await fetch(lh.url + path, {
    method,
    headers: { authorization: basic(lh.apiKey), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
}

function refused(res: ApiResponse, field: string, problem: RegExp) {
  assert.equal(res.status, 400, res.text);
  assert.equal(res.body.code, 'invalid_input', res.text);
  assert.equal(res.body.field, field, res.text);
  assert.match(res.body.message, problem);
}

const CONTROL = /control characters/;
const SURROGATE = /unpaired surrogate/;
const DEEP = /nests deeper than/;
const session = (extra: string) => `{"origin_owner_id":"o","origin_owner_name":"n"${extra}}`;

describe('control characters and unpaired surrogates', () => {
  test('U+0000 in a path parameter, a query filter and an array filter', async () => {
    refused(await send('GET', '/accounts/a%00b'), 'id', CONTROL);
    refused(await send('GET', '/accounts?origin_owner_id=%00'), 'origin_owner_id', CONTROL);
    refused(await send('GET', '/accounts?account_ids=ok&account_ids=a%00'), 'account_ids.1', CONTROL);
    refused(await send('GET', '/webhooks/deliveries?endpoint_id=%00'), 'endpoint_id', CONTROL);
  });

  test('declared strings are lines: no control character, tab and newline included', async () => {
    refused(await send('POST', '/connect_sessions', session(',"label":"a\\u0000"')), 'label', CONTROL);
    refused(await send('POST', '/connect_sessions', `{"origin_owner_id":"a\\nb","origin_owner_name":"n"}`), 'origin_owner_id', CONTROL);
    refused(await send('POST', '/api_keys', '{"name":"tab\\there"}'), 'name', CONTROL);
    refused(await send('POST', '/api_keys', '{"name":"x\\u0085"}'), 'name', CONTROL);
    refused(await send('PATCH', `/accounts/${accountId}`, '{"origin_owner_name":"\\ud800"}'), 'origin_owner_name', SURROGATE);
  });

  test('metadata: keys are lines, values free text (U+0000 refused: jsonb cannot hold it)', async () => {
    refused(await send('POST', '/connect_sessions', session(',"metadata":{"k":"v\\u0000"}')), 'metadata.k', CONTROL);
    refused(await send('POST', '/connect_sessions', session(',"metadata":{"a\\u0000b":1}')), 'metadata.a\\u0000b', CONTROL);
    refused(await send('PATCH', `/accounts/${accountId}`, '{"metadata":{"\\u2028":1}}'), 'metadata.\\u2028', CONTROL);
    refused(await send('PATCH', `/accounts/${accountId}`, '{"metadata":{"x":["\\udc00"]}}'), 'metadata.x.0', SURROGATE);
    const kept = await send('PATCH', `/accounts/${accountId}`, '{"metadata":{"note":"two\\nlines\\tand a tab"}}');
    assert.equal(kept.status, 200, kept.text);
    assert.equal(kept.body.metadata.note, 'two\nlines\tand a tab');
  });

  test('an unpaired surrogate in a proxied body never reaches the form encoder', async () => {
    const res = await send('POST', '/unified/proxy', '{"method":"post","path":"/v1/customers","body":{"name":"\\ud83d"}}', { 'x-account-id': accountId });
    refused(res, 'body.name', SURROGATE);
  });
});

describe('nesting depth', () => {
  test('a body nested 10,000 levels deep', async () => {
    const res = await send('POST', '/connect_sessions', session(`,"metadata":${deepJson(10_000)}`));
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.message, DEEP);
    assert.match(res.body.field, /^metadata(\.a)+$/);
  });

  test('an MCP JSON-RPC id nested deeper than an id can be', async () => {
    const res = await send('POST', `/mcp?x-account-id=${accountId}`, `{"jsonrpc":"2.0","method":"ping","id":${deepJson(12)}}`);
    refused(res, 'id', DEEP);
    assert.equal(res.body.jsonrpc, '2.0');
    const ok = await send('POST', `/mcp?x-account-id=${accountId}`, `{"jsonrpc":"2.0","method":"ping","id":{"a":{"b":1}}}`);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.id, { a: { b: 1 } });
  });

  test('the form encoder refuses what it would recurse too deep into', async () => {
    const nested = `{"a":${deepJson(MAX_FORM_DEPTH + 1)}}`;
    const res = await send('POST', '/unified/proxy', `{"method":"post","path":"/v1/customers","body":{"metadata":${nested}}}`, { 'x-account-id': accountId });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.code, 'invalid_input');
    assert.match(res.body.field, /^metadata\[a\]\[a\]/);
    assert.match(res.body.message, DEEP);
  });

  test('the form encoder itself refuses an unpaired surrogate and over-deep input (whoever calls it)', () => {
    const invalid = (field: RegExp, problem: RegExp) => (e: unknown) =>
      e instanceof LinkhubError && e.code === 'invalid_input' && field.test(String(e.extra.field)) && problem.test(e.message);
    assert.throws(() => formEncode({ metadata: { k: 'a\ud800' } }), invalid(/^metadata\[k\]$/, SURROGATE));
    assert.throws(() => formEncode({ '\udfff': 1 }), invalid(/^\udfff$/, SURROGATE));
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    assert.throws(() => formEncode({ deep }), invalid(/^deep\[a\]\[a\]/, DEEP));
    assert.equal(formEncode({ emoji: '😀' }), 'emoji=%F0%9F%98%80');
  });
});

test('a webhook delivery id beyond 2^53 − 1 is refused, not sent to the store', async () => {
  for (const id of ['99999999999999999999', '1e308', 'Infinity', '9007199254740992']) {
    refused(await send('POST', `/webhooks/deliveries/${id}/retry`), 'id', /must be <=/);
  }
  const missing = await send('POST', '/webhooks/deliveries/9007199254740991/retry');
  assert.equal(missing.status, 404, missing.text);
});
