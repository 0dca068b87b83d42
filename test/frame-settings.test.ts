// The project setting `allowed_frame_origins` (which sites may frame the Auth Link page): read and
// replaced through the platform API and the dashboard API, validated and normalised, and written
// into /link's CSP frame-ancestors for the session's project ('self' alone without a live token).
// The browser side is test/browser/link-framing.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { connectSession, type Linkhub } from './helpers/linkhub.js';

const PASSWORD = 'frame-settings-password';
let lh: Linkhub;
let cookie: string;

useLinkhub({ env: { LINKHUB_ADMIN_PASSWORD: PASSWORD } }, async (f) => {
  lh = f.lh;
  const res = await fetch(`${lh.url}/dashboard/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-linkhub-csrf': '1' },
    body: JSON.stringify({ password: PASSWORD }),
  });
  cookie = /linkhub_dashboard=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')![1];
});

const dashboard = (method: string, body?: unknown, headers: Record<string, string> = { 'x-linkhub-csrf': '1' }) =>
  lh.api(method, '/dashboard/api/settings', body, { auth: false, headers: { cookie: `linkhub_dashboard=${cookie}`, ...headers } });

/** The frame-ancestors directive of /link for this query. */
async function frameAncestors(query: string): Promise<string> {
  const res = await fetch(`${lh.url}/link${query}`);
  assert.equal(res.status, 200);
  return /frame-ancestors ([^;]*)/.exec(res.headers.get('content-security-policy') ?? '')?.[1] ?? '(none)';
}

describe('platform API', () => {
  test('empty by default; replaced whole, normalised (case, trailing slash, default port, duplicates)', async () => {
    assert.deepEqual((await lh.api('GET', '/project/settings')).body, { allowed_frame_origins: [] });
    const set = await lh.api('PATCH', '/project/settings', {
      allowed_frame_origins: ['https://App.Example.com/', 'https://app.example.com:443', 'http://localhost:8080', 'https://*.customer.example'],
    });
    assert.equal(set.status, 200, set.text);
    const expected = ['https://app.example.com', 'http://localhost:8080', 'https://*.customer.example'];
    assert.deepEqual(set.body.allowed_frame_origins, expected);
    assert.deepEqual((await lh.api('GET', '/project/settings')).body.allowed_frame_origins, expected);
  });

  test('anything but an origin is refused, naming the entry', async () => {
    for (const bad of [
      'app.example.com',
      'https://app.example.com/path',
      "https://a.example 'unsafe-inline'",
      'https://a.example;script-src *',
      'javascript:alert(1)',
      '*',
      'https://',
    ]) {
      const res = await lh.api('PATCH', '/project/settings', { allowed_frame_origins: ['https://ok.example', bad] });
      assert.equal(res.status, 400, `${bad}: ${res.text}`);
      assert.equal(res.body.code, 'invalid_input');
      assert.equal(res.body.field, 'allowed_frame_origins.1', bad);
    }
    const many = await lh.api('PATCH', '/project/settings', { allowed_frame_origins: Array.from({ length: 33 }, (_, i) => `https://s${i}.example`) });
    assert.equal(many.status, 400, many.text);
    assert.equal((await lh.api('GET', '/project/settings', undefined, { auth: false })).status, 401);
  });
});

describe('dashboard API', () => {
  test('reads and replaces the same setting, with the session cookie and the CSRF header', async () => {
    const set = await dashboard('PATCH', { allowed_frame_origins: ['https://dash.example'] });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual((await dashboard('GET')).body, { allowed_frame_origins: ['https://dash.example'] });
    assert.deepEqual((await lh.api('GET', '/project/settings')).body, { allowed_frame_origins: ['https://dash.example'] });
    assert.equal(set.headers.get('cache-control'), 'no-store');
    assert.equal((await dashboard('PATCH', { allowed_frame_origins: [] }, {})).status, 403, 'no CSRF header');
    assert.equal((await lh.api('GET', '/dashboard/api/settings', undefined, { auth: false })).status, 401, 'no cookie');
  });
});

describe('/link', () => {
  test("frame-ancestors: Linkhub itself plus the session's project's origins; 'self' alone without a live token", async () => {
    await lh.api('PATCH', '/project/settings', { allowed_frame_origins: ['https://app.example.com', 'https://*.customer.example'] });
    const { token } = await connectSession(lh);
    assert.equal(await frameAncestors(`?token=${encodeURIComponent(token)}`), "'self' https://app.example.com https://*.customer.example");
    assert.equal(await frameAncestors(''), "'self'");
    assert.equal(await frameAncestors('?token=not-a-token'), "'self'");
    await lh.api('PATCH', '/project/settings', { allowed_frame_origins: [] });
    assert.equal(await frameAncestors(`?token=${encodeURIComponent(token)}`), "'self'");
  });
});
