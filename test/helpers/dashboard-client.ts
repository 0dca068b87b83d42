// The Dashboard's JSON API as its page calls it: sign in with the admin password for the session
// cookie, then /dashboard/api/* with the cookie and the CSRF header (each can be left off).
import assert from 'node:assert/strict';
import type { Linkhub } from './linkhub.js';

export interface DashRes {
  status: number;
  body: any;
  text: string;
}

export type Dash = (method: string, path: string, body?: unknown, o?: { csrf?: boolean; cookie?: boolean }) => Promise<DashRes>;

export async function dashboardClient(lh: Linkhub, password: string): Promise<Dash> {
  const signIn = await fetch(`${lh.url}/dashboard/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-linkhub-csrf': '1' },
    body: JSON.stringify({ password }),
  });
  assert.equal(signIn.status, 200, await signIn.text());
  const cookie = /linkhub_dashboard=[^;]*/.exec(signIn.headers.get('set-cookie') ?? '')?.[0];
  assert.ok(cookie, 'a session cookie');
  return async (method, path, body, o = {}) => {
    const headers: Record<string, string> = {};
    if (o.cookie !== false) headers.cookie = cookie;
    if (o.csrf !== false) headers['x-linkhub-csrf'] = '1';
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${lh.url}/dashboard/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, text };
  };
}
