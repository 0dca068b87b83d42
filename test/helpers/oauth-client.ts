// An MCP client's side of Linkhub's OAuth (docs/agents.md#oauth), driven over HTTP the way a client
// and a person at the browser would: discovery from the 401, registration, the authorization page
// (sign-in with the Dashboard password, then approve), and the token request with PKCE.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';

export const ADMIN_PASSWORD = 'correct horse battery staple';

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The hidden fields of the page's form, as a browser would submit them. */
export function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  const unescaped = (s: string) => s.replace(/&#(\d+);/g, (_m, n) => String.fromCharCode(Number(n)));
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]] = unescaped(m[2]);
  return out;
}

/** The session cookie a Dashboard sign-in through the authorization page's form sets (`name=value`). */
const cookieOf = (res: Response): string => {
  const set = res.headers.get('set-cookie') ?? '';
  const m = /^(linkhub_dashboard=[^;]+)/.exec(set);
  assert.ok(m, `a session cookie: ${set}`);
  return m[1];
};

export const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

/**
 * A person at the browser: opens the authorization URL, signs in when asked (the cookie is kept for
 * the rest), picks the account and policy and approves. Returns the redirect (the client's
 * redirect URI with code or error) and the cookie.
 */
export async function approveInBrowser(
  authorizationUrl: string,
  o: { account: string; policy?: 'read_only' | 'account'; cookie?: string; decision?: 'approve' | 'deny' },
): Promise<{ location: string; cookie: string }> {
  const url = new URL(authorizationUrl);
  let cookie = o.cookie;
  let page = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  let html = await page.text();
  if (!cookie) {
    assert.equal(page.status, 200, html);
    assert.match(html, /type="password"/, 'the sign-in form first');
    const signedIn = await fetch(new URL('/dashboard/oauth/sign_in', url), form({ ...hiddenFields(html), password: ADMIN_PASSWORD }));
    assert.equal(signedIn.status, 303, await signedIn.text());
    cookie = cookieOf(signedIn);
    page = await fetch(new URL(signedIn.headers.get('location')!, url), { headers: { cookie }, redirect: 'manual' });
    html = await page.text();
  }
  assert.equal(page.status, 200, html);
  assert.match(html, /name="account"/, 'the approve form');
  const approved = await fetch(new URL(url.pathname, url), {
    ...form({ ...hiddenFields(html), account: o.account, policy: o.policy ?? 'read_only', decision: o.decision ?? 'approve' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: url.origin },
  });
  assert.equal(approved.status, 303, await approved.text());
  return { location: approved.headers.get('location')!, cookie };
}

/** Discovery as the MCP authorization specification has it: the 401's resource_metadata, then the authorization server's metadata. */
export async function discover(mcpUrl: string): Promise<{ resource: any; server: any }> {
  const res = await fetch(mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  assert.equal(res.status, 401);
  const challenge = res.headers.get('www-authenticate') ?? '';
  const m = /^Bearer resource_metadata="([^"]+)"/.exec(challenge);
  assert.ok(m, challenge);
  const resource = await (await fetch(m[1])).json();
  const server = await (await fetch(new URL('/.well-known/oauth-authorization-server', resource.authorization_servers[0]))).json();
  return { resource, server };
}
