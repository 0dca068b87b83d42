// Recipes: the MCP transport, and failures of the server, its store and its vault. The last three
// cannot be provoked by a well-formed request to a healthy server, so they are provoked in the
// server (a service that throws, a stored secret changed behind the vault's back, a store that
// refuses) and then asked for over HTTP like any other error.
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { accounts } from '../../src/store/schema.js';
import type { Answer, Recipes, World } from './world.js';

/** Runs `then` with the node's budget of buffered bytes (LINKHUB_MAX_BUFFERED_BYTES) held but for `left` bytes. */
export async function budgetLeft(w: World, left: number, then: () => Promise<Answer>): Promise<Answer> {
  const budget = w.lh.services.bufferedBytes;
  const n = budget.max - budget.held - left;
  assert.ok(budget.take(n));
  try {
    return await then();
  } finally {
    budget.release(n);
  }
}

export const serverRecipes: Recipes = {
  unknown_tool: (w) => w.tool(w.accounts.secret, 'stripe_do_everything', {}),
  invalid_mcp_request: (w) =>
    w.raw('POST', '/mcp', {
      body: '{"not":"json-rpc"}',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-account-id': w.accounts.secret },
    }),
  method_not_allowed: (w) => w.raw('GET', '/mcp'),
  async internal_error(w) {
    const webhooks = w.lh.services.webhooks;
    const list = webhooks.listEndpoints;
    webhooks.listEndpoints = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'url')");
    };
    try {
      return await w.raw('GET', '/webhooks');
    } finally {
      webhooks.listEndpoints = list;
    }
  },
  async secret_undecryptable(w) {
    const { account } = await w.freshAccount();
    const db = w.lh.services.store.db;
    const [{ secretCiphertext }] = await db.select({ secretCiphertext: accounts.secretCiphertext }).from(accounts).where(eq(accounts.id, account));
    // v<version>.<iv>.<ciphertext>.<tag>: another data key version than any the vault holds
    await db
      .update(accounts)
      .set({ secretCiphertext: secretCiphertext.replace(/^v\d+\./, 'v99.') })
      .where(eq(accounts.id, account));
    return w.raw('POST', `/accounts/${account}/test`);
  },
  // a small body, in the packet of its headers: read whole, so the refusal's closed connection loses nothing
  server_busy: (w) => budgetLeft(w, 100, () => w.proxy(w.accounts.secret, { path: '/v1/balance', padding: 'p'.repeat(200) })),
  async store_unavailable(w) {
    const db = w.lh.services.store.db;
    const execute = db.execute;
    db.execute = (() => Promise.reject(new Error('connection terminated'))) as unknown as typeof db.execute;
    try {
      return await w.raw('GET', '/readyz', { auth: false });
    } finally {
      db.execute = execute;
    }
  },
  async store_not_migrated(w) {
    // The store as restored from before the newest migration: its record of it is gone.
    const db = w.lh.services.store.db;
    const deleted = await db.execute(
      sql`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations) returning hash, created_at`,
    );
    const [newest] = (deleted as unknown as { rows: { hash: string; created_at: string }[] }).rows;
    try {
      return await w.raw('GET', '/readyz', { auth: false });
    } finally {
      await db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${newest.hash}, ${newest.created_at})`);
    }
  },
};
