// A Linkhub process with one linked account, for the tests of what operators do to a store
// (backups, restores): its API key, a proxied call through it, and a store made that way.
import assert from 'node:assert/strict';
import { callApi, type LinkhubProcess, linkAccount, startLinkhubProcess } from './process.js';
import type { StripeStandin } from '../stripe-standin/index.js';

export const serverKey = (p: LinkhubProcess) => /\blh_[A-Za-z0-9]{20,}\b/.exec(p.stdout())![0];

/** The status of one proxied call to the provider for `accountId`. */
export async function proxied(p: LinkhubProcess, apiKey: string, accountId: string): Promise<number> {
  const r = await callApi(p.url, 'POST', '/unified/proxy', {
    key: apiKey,
    headers: { 'x-account-id': accountId },
    body: { url: 'https://api.stripe.com', path: '/v1/customers?limit=1' },
  });
  return r.status;
}

/** A Linkhub on `env` with one linked account, stopped again: its API key and the account. */
export async function linkedStore(stripe: StripeStandin, env: Record<string, string>): Promise<{ apiKey: string; accountId: string }> {
  const server = await startLinkhubProcess({ ...env, LINKHUB_STRIPE_API_BASE: stripe.url });
  const apiKey = serverKey(server);
  const account = await linkAccount(server.url, apiKey, stripe.keys.secretTest, { origin_owner_id: 'backup-1', origin_owner_name: 'Backup' });
  assert.equal(await proxied(server, apiKey, account.id), 200);
  await server.stop();
  return { apiKey, accountId: account.id };
}
