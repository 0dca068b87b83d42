// Starts a real Linkhub (the same buildApp and services as `npm start`) on a free loopback port,
// with captured logs, pointed at a Stripe stand-in. Everything a test does goes over HTTP.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { loggerOptions } from '../../src/http/logger.js';
import { createServices, type Services } from '../../src/services/index.js';
import { createTestStore } from './store.js';

export interface Linkhub {
  url: string;
  apiKey: string;
  services: Services;
  app: FastifyInstance;
  /** Every log line and warning Linkhub wrote. */
  logs: string[];
  masterKey: string;
  /** fetch against Linkhub with the API key (Basic auth) unless `auth: false` or another header is given. */
  api(method: string, path: string, body?: unknown, opts?: { auth?: string | false; headers?: Record<string, string> }): Promise<ApiResponse>;
  /** fetch against /hub/* with a session token. */
  hub(token: string, method: string, path: string, body?: unknown): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface StartOptions {
  stripeApiBase: string;
  env?: Record<string, string>;
  webhookPollMs?: number;
  webhookRetryBaseMs?: number;
}

export const basic = (key: string) => 'Basic ' + Buffer.from(key + ':').toString('base64');

/** One HTTP request; a JSON answer is parsed, anything else kept as text. A string body is sent as is. */
export async function call(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<ApiResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  return answer(await fetch(url, init));
}

/** A fetch answer read whole: JSON parsed when it is JSON, else kept as text. */
export async function answer(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* keep the text */
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export async function startLinkhub(opts: StartOptions): Promise<Linkhub> {
  const logs: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'linkhub-data-'));
  const masterKey = randomBytes(32).toString('base64');
  const store = await createTestStore();
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LINKHUB_DATA_DIR: dataDir,
    LINKHUB_MASTER_KEY: masterKey,
    LINKHUB_STRIPE_API_BASE: opts.stripeApiBase,
    LINKHUB_STRIPE_TIMEOUT_MS: '2000',
    ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : {}),
    ...opts.env,
  });
  const services = await createServices(config, {
    warn: (m) => logs.push(`warning: ${m}`),
    openStore: store.open,
    webhookPollMs: opts.webhookPollMs ?? 100,
    webhookRetryBaseMs: opts.webhookRetryBaseMs ?? 50,
  });
  // every answer a response schema would alter (drop or coerce a field) fails with a 500
  const app = await buildApp(services, loggerOptions('info', { write: (line) => void logs.push(line) }), { checkSerialization: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  // auth_link_url and logo URLs follow the real port
  services.config.publicUrl = opts.env?.LINKHUB_PUBLIC_URL ?? url;
  services.webhookWorker.start();
  services.verifier.start();
  services.approvalSweep.start();
  const apiKey = opts.env?.LINKHUB_API_KEY ?? services.createdApiKey!;
  return {
    url,
    apiKey,
    services,
    app,
    logs,
    masterKey,
    api: (method, path, body, o = {}) =>
      call(url + path, method, body, {
        ...(o.auth === false ? {} : { authorization: o.auth ?? basic(apiKey) }),
        ...o.headers,
      }),
    hub: (token, method, path, body) => call(url + path, method, body, { 'x-hub-session-token': token }),
    async close() {
      await app.close();
      await services.close();
      await store.drop();
    },
  };
}

/** Creates a connect session through the platform API and returns its token. */
export async function connectSession(lh: Linkhub, body: Record<string, unknown> = {}): Promise<{ token: string; session: any }> {
  const res = await lh.api('POST', '/connect_sessions', { origin_owner_id: 'owner-1', origin_owner_name: 'Acme Inc', ...body });
  if (res.status !== 201) throw new Error(`connect session failed: ${res.status} ${res.text}`);
  return { token: res.body.token, session: res.body };
}

export interface LinkOptions {
  /** The Hub row: `stripe-test` unless the key is a live key (then `stripe-production`). */
  integration?: string;
  /** Connect-session fields (owner, label, metadata, account_id, …); a fresh owner with `multiple` by default. */
  session?: Record<string, unknown>;
}

/**
 * Links a key the way a customer's user does (connect session, then the Hub's POST /hub/accounts)
 * and returns the linked account's Hub view (`id`, `provider`, …); fails the test unless it is 201.
 */
export async function linkAccount(lh: Linkhub, key: string, o: LinkOptions = {}): Promise<any> {
  const { token } = await connectSession(lh, { origin_owner_id: `owner-${randomBytes(6).toString('hex')}`, multiple: true, ...o.session });
  const integration = o.integration ?? (key.includes('_live_') ? 'stripe-production' : 'stripe-test');
  const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: integration, credentials: { api_key: key } });
  if (res.status !== 201) throw new Error(`linking failed: ${res.status} ${res.text}`);
  return res.body;
}
