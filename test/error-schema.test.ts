// The OpenAPI side of the error catalogue (src/errors/error-schema.ts): a route's error answers as
// ErrorBody schemas whose `code` is an enum of catalogue codes, described from the catalogue, and
// usable as Fastify response schemas (serialisation keeps the extras; the document shows the codes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { codeOf, errorEntry, errorNames } from '../src/errors/catalogue.js';
import { errorBodySchema, errorResponses } from '../src/errors/error-schema.js';
import { fail } from '../src/errors/fail.js';
import { errorBody } from '../src/http/errors.js';

const ajv = new Ajv({ strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const props = (s: Record<string, unknown>) => s.properties as Record<string, Record<string, unknown>>;

test('entries by name: code is an enum of their codes, statusCode of their statuses, each described', () => {
  const s = errorBodySchema(['account_not_found', 'account_not_callable']);
  assert.deepEqual(props(s).code.enum, ['account_not_found', 'account_not_callable']);
  assert.deepEqual(props(s).statusCode.enum, [404, 412]);
  assert.deepEqual(s.required, ['statusCode', 'message', 'timestamp', 'code']);
  assert.equal(s.additionalProperties, true, 'documented extras (field, permission, …) pass');
  const description = String(props(s).code.description);
  for (const n of ['account_not_found', 'account_not_callable'] as const)
    assert.ok(description.includes(`\`${n}\``) && description.includes(errorEntry(n).action), n);
});

test('entries by status: every entry answered with it; a code shared by two entries is listed once', () => {
  const s = errorBodySchema([401]);
  const expected = errorNames()
    .filter((n) => errorEntry(n).status === 401)
    .map(codeOf);
  assert.ok(expected.length >= 5);
  assert.deepEqual(props(s).code.enum, expected);
  assert.deepEqual(props(errorBodySchema(['invalid_key', 'stored_key_invalid'])).code.enum, ['invalid_key']);
});

test("answers rendered by Linkhub validate; a code outside the selection does not; the provider's own codes pass where they may", () => {
  const validate = ajv.compile(errorBodySchema(['account_not_callable']));
  const body = errorBody(fail('account_not_callable', { account: 'acc_1', status: 'suspended' }, { account_status: 'suspended' }));
  assert.ok(validate(body), JSON.stringify(validate.errors));
  assert.ok(!validate({ ...body, code: 'account_not_found' }));
  assert.ok(!validate({ statusCode: 412, message: 'x', timestamp: body.timestamp }), 'code is required');
  const provider = ajv.compile(errorBodySchema(['provider_error', 'unknown_action']));
  assert.ok(provider({ statusCode: 404, message: "No such customer: 'cus_x'", timestamp: body.timestamp, code: 'resource_missing' }));
  assert.equal(props(errorBodySchema(['provider_error'])).statusCode.enum, undefined, "the provider's status is any");
});

test('a name not in the catalogue, or no entry at all, is a mistake of the caller', () => {
  assert.throws(() => errorBodySchema(['no_such_error' as never]), /not in the error catalogue/);
  assert.throws(() => errorBodySchema([299]), /at least one/);
});

test('errorResponses: one ErrorBody per status, 4xx for the provider, as Fastify response schemas in the OpenAPI document', async () => {
  const responses = errorResponses(['account_not_found', 'account_not_callable', 'integration_disabled', 'provider_error']);
  assert.deepEqual(Object.keys(responses).sort(), ['404', '412', '4xx']);
  assert.deepEqual(props(responses['412']).code.enum, ['account_not_callable', 'integration_disabled']);

  const app = Fastify();
  await app.register(swagger, { openapi: { openapi: '3.0.3', info: { title: 't', version: '1' } } });
  app.get('/accounts/:id', { schema: { response: responses } }, async (_request, reply) =>
    reply.code(412).send(errorBody(fail('account_not_callable', { account: 'acc_1', status: 'suspended' }, { account_status: 'suspended' }))),
  );
  await app.ready();
  const res = await app.inject('/accounts/acc_1');
  assert.equal(res.statusCode, 412);
  assert.equal(res.json().account_status, 'suspended', 'serialisation keeps the extras');
  assert.equal(res.json().code, 'account_not_callable');
  const doc = app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, any> }>> };
  const documented = doc.paths['/accounts/{id}'].get.responses;
  assert.deepEqual(documented['412'].content['application/json'].schema.properties.code.enum, ['account_not_callable', 'integration_disabled']);
  await app.close();
});
