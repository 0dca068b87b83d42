// CORS is enabled on /hub/* only (browser calls from the customer's page), with the headers the
// official Hub sends; platform routes stay server-to-server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { connectSession, type Linkhub } from './helpers/linkhub.js';

let lh: Linkhub;
useLinkhub({}, (f) => {
  ({ lh } = f);
});

const preflight = (path: string, method = 'POST') =>
  fetch(lh.url + path, {
    method: 'OPTIONS',
    headers: {
      origin: 'https://saas.example',
      'access-control-request-method': method,
      'access-control-request-headers': 'content-type,x-hub-session-token,x-hub-version',
    },
  });

test('preflight on /hub/* allows the Hub headers and methods from any origin', async () => {
  for (const [path, method] of [
    ['/hub/accounts', 'POST'],
    ['/hub/accounts/acc_x', 'PATCH'],
    ['/hub/connectors', 'GET'],
  ]) {
    const res = await preflight(path, method);
    assert.equal(res.status, 204, path);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of ['content-type', 'x-hub-session-token', 'x-hub-version']) assert.ok(allowed.includes(h), `${h} in ${allowed}`);
    assert.match(res.headers.get('access-control-allow-methods') ?? '', new RegExp(method));
  }
});

test('a cross-origin hub call carries CORS headers and works with x-hub-version and a JSON content type on GET', async () => {
  const { token } = await connectSession(lh);
  const res = await fetch(lh.url + '/hub/connectors', {
    headers: { origin: 'https://saas.example', 'x-hub-session-token': token, 'x-hub-version': '1.11.4', 'content-type': 'application/json' },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  // 401 answers carry CORS headers too, so the browser can read "token expired"
  const bad = await fetch(lh.url + '/hub/settings', { headers: { origin: 'https://saas.example', 'x-hub-session-token': 'nope' } });
  assert.equal(bad.status, 401);
  assert.equal(bad.headers.get('access-control-allow-origin'), '*');
  const body = (await bad.json()) as { statusCode: number; message: string };
  assert.equal(body.statusCode, 401);
  assert.match(body.message, /expired/);
});

test('an OPTIONS without preflight headers is answered leniently, never with an error page', async () => {
  const res = await fetch(lh.url + '/hub/settings', { method: 'OPTIONS' });
  assert.equal(res.status, 204);
});

test('platform routes have no CORS headers', async () => {
  for (const path of ['/connect_sessions', '/accounts', '/connectors/meta']) {
    const res = await preflight(path);
    assert.equal(res.headers.get('access-control-allow-origin'), null, path);
    assert.notEqual(res.status, 204, path);
  }
  const res = await fetch(lh.url + '/accounts', {
    headers: { origin: 'https://saas.example', authorization: 'Basic ' + Buffer.from(lh.apiKey + ':').toString('base64') },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
});

test('missing hub token is 401 in the error shape', async () => {
  const res = await lh.api('GET', '/hub/settings', undefined, { auth: false });
  assert.equal(res.status, 401);
  assert.equal(res.body.statusCode, 401);
  assert.ok(res.body.timestamp);
});
