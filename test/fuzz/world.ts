// What the fuzz suite fuzzes against: a real Linkhub with a linked account, a Hub session, a
// dashboard session, a webhook endpoint with a delivery, a spare API key and a logged call; the
// values the generated requests refer to (requests.ts `Known`), renewed before each route's run
// (the previous route may have deleted the account or signed the dashboard out). `send` turns a
// draft into an HTTP request; `verdict` says what is wrong with the answer, if anything.
import { randomBytes } from 'node:crypto';
import type { Linkhub } from '../helpers/linkhub.js';
import { basic, connectSession, linkAccount } from '../helpers/linkhub.js';
import type { StripeStandin } from '../stripe-standin/index.js';
import { type Draft, serialise, urlValue } from './requests.js';

export const DASHBOARD_PASSWORD = 'fuzz-dashboard-password-1';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface Sent {
  method: string;
  url: string;
  body: string | undefined;
  status: number;
  text: string;
}

export class World {
  readonly values: Record<string, string> = {};
  private cookie = '';

  constructor(
    readonly lh: Linkhub,
    readonly stripe: StripeStandin,
  ) {}

  /** Makes sure every known value exists, recreating what a previous route deleted. */
  async refresh(): Promise<void> {
    const v = this.values;
    const alive = async (path: string) => (await this.lh.api('GET', path)).status === 200;
    if (!v.account || !(await alive(`/accounts/${v.account}`))) v.account = (await linkAccount(this.lh, this.stripe.keys.secretTest)).id;
    if (!v.otherAccount || !(await alive(`/accounts/${v.otherAccount}`))) v.otherAccount = (await linkAccount(this.lh, this.stripe.keys.secretTest)).id;
    v.hubToken = (await connectSession(this.lh, { origin_owner_id: 'fuzz-owner', origin_owner_name: 'Fuzz', account_id: v.account })).token;
    v.provider = 'stripe';
    v.integration = 'stripe-test';
    const endpoints = await this.lh.api('GET', '/webhooks');
    if (!endpoints.body.some((e: { id: string }) => e.id === v.endpoint)) {
      v.endpoint = (await this.lh.api('POST', '/webhooks', { url: 'https://example.com/hook' })).body.id;
    }
    const deliveries = await this.lh.api('GET', '/webhooks/deliveries?limit=1');
    v.delivery = String(deliveries.body[0]?.id ?? 1);
    v.apiKeyId = (await this.lh.api('POST', '/api_keys', { name: `fuzz-${randomBytes(3).toString('hex')}` })).body.id;
    const call = await this.lh.api('POST', '/unified/proxy', { method: 'get', path: '/v1/customers?limit=1' }, { headers: { 'x-account-id': v.account } });
    if (call.status !== 200) throw new Error(`fuzz world: proxied call failed: ${call.status} ${call.text}`);
    const logs = await this.lh.api('GET', '/requests/logs?page_size=1');
    v.log = logs.body.data?.[0]?.id ?? 'none';
    if (!this.cookie || (await this.dashboard('GET', '/dashboard/api/session')).status !== 200) await this.signIn();
  }

  private async signIn(): Promise<void> {
    const res = await fetch(`${this.lh.url}/dashboard/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-linkhub-csrf': '1' },
      body: JSON.stringify({ password: DASHBOARD_PASSWORD }),
    });
    const m = /linkhub_dashboard=([^;]*)/.exec(res.headers.get('set-cookie') ?? '');
    if (!m) throw new Error(`fuzz world: dashboard sign-in failed: ${res.status} ${await res.text()}`);
    this.cookie = m[1];
  }

  private dashboard(method: string, path: string) {
    return fetch(this.lh.url + path, { method, headers: { cookie: `linkhub_dashboard=${this.cookie}`, 'x-linkhub-csrf': '1' } });
  }

  private resolve = (name: string): string => this.values[name] ?? name;

  /** Sends one generated request and reads the answer whole. */
  async send(d: Draft): Promise<Sent> {
    const path = d.op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => urlValue(d.path[name], this.resolve) || '%20');
    const query = d.query.map(([k, v]) => `${encodeURIComponent(k)}=${urlValue(v, this.resolve)}`).join('&');
    const url = `${this.lh.url}${path}${query ? `?${query}` : ''}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.headers)) headers[k] = headerValue(urlValue(v, this.resolve));
    if (!d.noAuth) Object.assign(headers, this.credentials(d.op.auth));
    let body: string | undefined;
    // fetch sends no body with GET (nor does any browser)
    if (d.body && d.op.method !== 'GET') {
      body = 'raw' in d.body ? d.body.raw : serialise(d.body.json, this.resolve);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(url, { method: d.op.method, headers, body });
    return { method: d.op.method, url, body, status: res.status, text: await res.text() };
  }

  private credentials(auth: Draft['op']['auth']): Record<string, string> {
    if (auth === 'api') return { authorization: basic(this.lh.apiKey) };
    if (auth === 'hub') return { 'x-hub-session-token': this.values.hubToken };
    if (auth === 'dashboard') return { cookie: `linkhub_dashboard=${this.cookie}`, 'x-linkhub-csrf': '1' };
    return {};
  }

  /** The server is still ready (its store answers) and serves an authenticated read. */
  async stillServes(): Promise<string | null> {
    const health = await fetch(`${this.lh.url}/readyz`);
    if (health.status !== 200) return `GET /readyz answered ${health.status}`;
    const list = await this.lh.api('GET', '/accounts?page_size=1');
    return list.status === 200 ? null : `GET /accounts answered ${list.status}: ${list.text}`;
  }
}

/** Header values are bytes: a value fetch would refuse to send becomes its percent-encoding. */
function headerValue(v: string): string {
  return /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(v) ? v : encodeURIComponent(v) || 'x';
}

/** What is wrong with an answer: a 5xx, or an error outside the documented error shape. Null when fine. */
export function verdict(s: Sent): string | null {
  if (s.status >= 500) return `answered ${s.status}`;
  if (s.status < 400) return null;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(s.text);
  } catch {
    return `error ${s.status} is not JSON`;
  }
  // the OAuth endpoints' 400 and 401 are OAuth's {error, error_description}, as documented (docs/agents.md#oauth)
  if (new URL(s.url).pathname.startsWith('/oauth/') && (s.status === 400 || s.status === 401)) {
    return typeof body.error === 'string' && body.error !== '' && typeof body.error_description === 'string' ? null : 'not an OAuth error body';
  }
  if (body.statusCode !== s.status) return `error body statusCode ${String(body.statusCode)} ≠ ${s.status}`;
  if (typeof body.message !== 'string' || body.message === '') return 'error body has no message';
  if (typeof body.timestamp !== 'string' || !ISO.test(body.timestamp)) return 'error body has no ISO timestamp';
  if (typeof body.code !== 'string' || body.code === '') return 'error body has no code';
  return null;
}

/** A short, printable description of a request and its answer for a failure message. */
export function describeSent(s: Sent): string {
  const show = (t: string) => JSON.stringify(t.length > 300 ? `${t.slice(0, 300)}…(${t.length} chars)` : t);
  return `${s.method} ${show(s.url)}${s.body === undefined ? '' : ` body ${show(s.body)}`} → ${s.status} ${show(s.text)}`;
}
