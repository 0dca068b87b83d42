// Route schemas compile on a route's first request, not at start (src/http/lazy-compilers.ts). Here:
// the whole app's deferred schemas all compile (a schema that does not would fail here, not on a
// user's first request); a route's first request compiles its own and validates as before; and a
// broken schema passes app.ready() but fails compileAll().
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { DeferredSchemas } from '../src/http/lazy-compilers.js';
import { type Linkhub, startLinkhub } from './helpers/linkhub.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
before(async () => {
  stripe = await startStripeStandin();
  lh = await startLinkhub({ stripeApiBase: stripe.url });
});
after(async () => {
  await lh?.close();
  await stripe?.close();
});

describe('deferred route schemas', () => {
  test("a route's first request compiles its schemas and validates as before", async () => {
    const bad = await lh.api('POST', '/connect_sessions', { origin_owner_id: 42 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'invalid_input', JSON.stringify(bad.body));
    const ok = await lh.api('POST', '/connect_sessions', { origin_owner_id: 'o1', origin_owner_name: 'O' });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(typeof ok.body.token, 'string');
  });

  test('every schema of the app compiles, and none is compiled twice', () => {
    const compiled = lh.app.compileDeferredSchemas();
    assert.ok(compiled > 50, `the start left the routes' schemas to their first use (${compiled} compiled now)`);
    assert.equal(lh.app.compileDeferredSchemas(), 0);
  });

  test('a schema that does not compile passes ready() and fails compileAll()', async () => {
    const deferred = new DeferredSchemas();
    const app = Fastify({ schemaController: deferred.schemaController() });
    app.setValidatorCompiler(() =>
      deferred.validator(() => {
        throw new Error('schema is invalid: data/type must be equal to one of the allowed values');
      }),
    );
    app.post('/x', { schema: { body: { type: 'object' }, response: { 200: { type: 'object', properties: { a: { $ref: 'missing#' } } } } } }, async () => ({
      a: 1,
    }));
    await app.ready();
    assert.throws(() => deferred.compileAll());
    await app.close();
  });
});
