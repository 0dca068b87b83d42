// Several nodes on one PostgreSQL database, as real processes: they start together on an empty
// database, a change made through one node reaches the others at once (LISTEN/NOTIFY) and, when a
// notification is lost, within the check interval (LINKHUB_CLUSTER_CHECK_MS); the sign-in limit, the
// OAuth registration limit and the per-account throttle hold for the cluster, not per node. Bounds are generous multiples of what
// each mechanism needs, so only the mechanism under test can meet them.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { type Cluster, startCluster } from './helpers/cluster.js';
import { callApi, killAllLinkhubProcesses, linkAccount, waitFor } from './helpers/process.js';

after(killAllLinkhubProcesses);

/** A notification arrives within milliseconds; this bound is far above that and far below the check interval. */
const NOTIFIED_WITHIN_MS = 3_000;
/** No fallback check during the notification tests: only NOTIFY can explain a change seen in time. */
const NO_FALLBACK = { LINKHUB_CLUSTER_CHECK_MS: '60000' };

const proxy = (base: string, key: string, account: string) =>
  callApi(base, 'POST', '/unified/proxy', { key, body: { method: 'get', path: '/v1/customers?limit=1' }, headers: { 'x-account-id': account } });

async function sql(c: Cluster, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: c.databaseUrl });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Time until `check` holds, polling every 10 ms; fails past `withinMs`. */
async function timeUntil(what: string, check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = performance.now();
  await waitFor(what, check, withinMs, 10);
  return performance.now() - started;
}

test('three nodes started at once on an empty database all come up, in every trial', async () => {
  for (let trial = 0; trial < 3; trial++) {
    const c = await startCluster({ nodes: 3 });
    try {
      for (const n of c.nodes) assert.equal((await callApi(n.url, 'GET', '/accounts', { key: c.apiKey })).status, 200);
    } finally {
      await c.close();
    }
  }
});

describe('a change made through one node reaches the others by notification', () => {
  let c: Cluster;
  after(async () => c?.close());

  test('an account deleted through node A: node B stops using its key', async () => {
    c = await startCluster({ nodes: 2, env: NO_FALLBACK });
    const [a, b] = c.nodes;
    const account = (await linkAccount(a.url, c.apiKey, c.stripe.keys.secretTest)).id;
    assert.equal((await proxy(b.url, c.apiKey, account)).status, 200, 'B has the account cached');
    assert.equal((await callApi(a.url, 'DELETE', `/accounts/${account}`, { key: c.apiKey })).status, 200);
    const ms = await timeUntil('B refuses the deleted account', async () => (await proxy(b.url, c.apiKey, account)).status === 404, NOTIFIED_WITHIN_MS);
    assert.ok(ms < NOTIFIED_WITHIN_MS);
  });

  test('a key rotated through node A: node B sends the new key', async () => {
    const [a, b] = c.nodes;
    const account = (await linkAccount(a.url, c.apiKey, c.stripe.keys.secretTest)).id;
    assert.equal((await proxy(b.url, c.apiKey, account)).status, 200);
    const rotated = c.stripe.world.addKey({ kind: 'sk', mode: 'test', account: c.stripe.accounts.main.id });
    const patch = await callApi(a.url, 'PATCH', `/accounts/${account}`, { key: c.apiKey, body: { credentials: { api_key: rotated } } });
    assert.equal(patch.status, 200, patch.text);
    await timeUntil(
      'B calls with the new key',
      async () => {
        c.stripe.clearLog();
        await proxy(b.url, c.apiKey, account);
        return c.stripe.log.at(-1)?.keyLast4 === rotated.slice(-4);
      },
      NOTIFIED_WITHIN_MS,
    );
  });

  test('an API key revoked through node A: node B refuses it', async () => {
    const [a, b] = c.nodes;
    const created = await callApi(a.url, 'POST', '/api_keys', { key: c.apiKey, body: { name: 'short-lived' } });
    assert.equal(created.status, 201, created.text);
    assert.equal((await callApi(b.url, 'GET', '/accounts', { key: created.body.key })).status, 200, 'B has the key cached');
    assert.equal((await callApi(a.url, 'DELETE', `/api_keys/${created.body.id}`, { key: c.apiKey })).status, 200);
    await timeUntil(
      'B refuses the revoked key',
      async () => (await callApi(b.url, 'GET', '/accounts', { key: created.body.key })).status === 401,
      NOTIFIED_WITHIN_MS,
    );
  });

  test('an agent token revoked through node A: node B refuses it', async () => {
    const [a, b] = c.nodes;
    const account = (await linkAccount(a.url, c.apiKey, c.stripe.keys.secretTest)).id;
    const created = await callApi(a.url, 'POST', `/accounts/${account}/agent_tokens`, { key: c.apiKey, body: { name: 'agent' } });
    assert.equal(created.status, 201, created.text);
    const viaB = () => callApi(b.url, 'GET', '/v1/customers?limit=1', { auth: `Bearer ${created.body.token}` });
    assert.equal((await viaB()).status, 200, 'B has the token cached');
    assert.equal((await callApi(a.url, 'DELETE', `/accounts/${account}/agent_tokens/${created.body.id}`, { key: c.apiKey })).status, 200);
    await timeUntil('B refuses the revoked agent token', async () => (await viaB()).status === 401, NOTIFIED_WITHIN_MS);
  });

  test('a node whose listening connection drops resynchronises: a change made meanwhile is not served stale', async () => {
    const [a, b] = c.nodes;
    const account = (await linkAccount(a.url, c.apiKey, c.stripe.keys.secretTest)).id;
    assert.equal((await proxy(b.url, c.apiKey, account)).status, 200);
    // Cut every LISTEN connection of the database (both nodes'): notifications sent now reach nobody.
    await sql(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
    await sql(c, 'UPDATE accounts SET status = $1, updated_at = now() WHERE id = $2', ['inactive', account]);
    await timeUntil(
      'B refuses the account changed while it was not listening',
      async () => (await proxy(b.url, c.apiKey, account)).status === 412,
      NOTIFIED_WITHIN_MS,
    );
  });
});

describe('a change whose notification is lost is seen within the check interval', () => {
  let c: Cluster;
  after(async () => c?.close());
  const CHECK_MS = 200;

  test('changed behind every node (SQL, no NOTIFY): each node stops using the account and the API key', async () => {
    c = await startCluster({ nodes: 2, env: { LINKHUB_CLUSTER_CHECK_MS: String(CHECK_MS) } });
    const account = (await linkAccount(c.nodes[0].url, c.apiKey, c.stripe.keys.secretTest)).id;
    const created = await callApi(c.nodes[0].url, 'POST', '/api_keys', { key: c.apiKey, body: { name: 'behind' } });
    const other = (await linkAccount(c.nodes[0].url, c.apiKey, c.stripe.keys.secretTest)).id;
    const agent = await callApi(c.nodes[0].url, 'POST', `/accounts/${other}/agent_tokens`, { key: c.apiKey, body: { name: 'behind' } });
    const viaAgent = (url: string) => callApi(url, 'GET', '/v1/customers?limit=1', { auth: `Bearer ${agent.body.token}` });
    for (const n of c.nodes) {
      assert.equal((await viaAgent(n.url)).status, 200);
      assert.equal((await proxy(n.url, c.apiKey, account)).status, 200);
      assert.equal((await callApi(n.url, 'GET', '/accounts', { key: created.body.key })).status, 200);
    }
    await sql(c, 'UPDATE accounts SET status = $1, updated_at = now() WHERE id = $2', ['inactive', account]);
    await sql(c, 'UPDATE api_keys SET revoked_at = now() WHERE id = $1', [created.body.id]);
    await sql(c, 'UPDATE agent_tokens SET revoked_at = now() WHERE id = $1', [agent.body.id]);
    // Within two check intervals and a generous allowance for a busy machine.
    const bound = 2 * CHECK_MS + 2_000;
    for (const n of c.nodes) {
      await timeUntil('the node refuses the account', async () => (await proxy(n.url, c.apiKey, account)).status === 412, bound);
      await timeUntil('the node refuses the API key', async () => (await callApi(n.url, 'GET', '/accounts', { key: created.body.key })).status === 401, bound);
      await timeUntil('the node refuses the agent token', async () => (await viaAgent(n.url)).status === 401, bound);
    }
  });
});

describe('limits hold for the cluster', () => {
  let c: Cluster;
  after(async () => c?.close());

  test('30 concurrent wrong sign-ins over 3 nodes: 5 are checked, the rest refused', async () => {
    c = await startCluster({ nodes: 3, env: { LINKHUB_THROTTLE_TEST_RPS: '20' } });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        callApi(c.nodes[i % 3].url, 'POST', '/dashboard/api/session', { body: { password: 'wrong-password-guess' }, headers: { 'x-linkhub-csrf': '1' } }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, 5, `checked: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 25);
    // The right password is refused too until the window ends.
    const right = await callApi(c.nodes[1].url, 'POST', '/dashboard/api/session', { body: { password: c.adminPassword }, headers: { 'x-linkhub-csrf': '1' } });
    assert.equal(right.status, 429);
  });

  test('OAuth client registrations from one address over 3 nodes: 100 per window for the cluster, not per node', async () => {
    const register = (n: number) =>
      fetch(`${c.nodes[n % 3].url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'flood', redirect_uris: ['http://127.0.0.1:9/cb'] }),
      });
    // 120 at once, 40 per node: each node alone would let all of its 40 through
    const answers = await Promise.all(Array.from({ length: 120 }, (_, i) => register(i)));
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 100, `registered: ${statuses.join(',')}`);
    const refused = answers.filter((r) => r.status === 429);
    assert.equal(refused.length, 20);
    assert.match(refused[0].headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.equal((await refused[0].json()).code, 'too_many_registrations');
    const rows = await sql(c, 'select count(*)::int as n from oauth_clients');
    assert.equal(rows.rows[0].n, 100, 'only the registrations let through were stored');
  });

  test('calls for one account spread over 3 nodes stay under its rate (20/s here) cluster-wide', async () => {
    const account = (await linkAccount(c.nodes[0].url, c.apiKey, c.stripe.keys.secretTest)).id;
    c.stripe.clearLog();
    const started = Date.now();
    const until = started + 6_000;
    // 12 callers per node, each calling again as soon as it has an answer.
    await Promise.all(
      c.nodes.flatMap((n) =>
        Array.from({ length: 12 }, async () => {
          while (Date.now() < until) await proxy(n.url, c.apiKey, account);
        }),
      ),
    );
    const at = c.stripe.log.filter((e) => e.path === '/v1/customers').map((e) => e.at);
    // The bucket (burst rate/2 = 10, then 20/s, on the database's clock) bounds the calls granted from
    // the start until the last arrival: a token is taken before its call arrives. Counted over the whole
    // run, so a busy test process stamping arrivals late (which bunched the first second's burst into a
    // later window) cannot inflate it.
    const span = (Math.max(...at) - started) / 1000;
    const allowed = 10 + 20 * span;
    assert.ok(at.length <= allowed * 1.1, `${at.length} calls reached Stripe in ${span.toFixed(1)} s for a 20/s account (at most ${allowed.toFixed(0)})`);
    const steady = at.filter((t) => t >= started + 1_000 && t < until);
    assert.ok(steady.length > 0, 'calls went through');
  });
});

test('an agent daily cap holds for the cluster: concurrent refunds through 3 nodes never exceed it', async () => {
  const c = await startCluster({ nodes: 3 });
  try {
    const [a] = c.nodes;
    const account = (await linkAccount(a.url, c.apiKey, c.stripe.keys.secretTest)).id;
    const policy = { money: { usd: { per_day: 10_000 } } };
    const t = await callApi(a.url, 'POST', `/accounts/${account}/agent_tokens`, { key: c.apiKey, body: { name: 'capped', policy } });
    assert.equal(t.status, 201, t.text);
    const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${t.body.token}` };
    const ch = await fetch(`${c.stripe.url}/v1/charges`, {
      method: 'POST',
      headers: { ...form, authorization: `Bearer ${c.stripe.keys.secretTest}` },
      body: 'amount=100000&currency=usd&source=tok_visa',
    }).then((r) => r.json());
    // 12 refunds of 1,000 at once, 4 per node: the cap has room for 10
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        fetch(`${c.nodes[i % 3].url}/v1/refunds`, { method: 'POST', headers: form, body: `charge=${ch.id}&amount=1000` }).then((r) => r.status),
      ),
    );
    assert.equal(answers.filter((s) => s === 200).length, 10, answers.join(','));
    assert.equal(answers.filter((s) => s === 403).length, 2, answers.join(','));
    assert.equal(c.stripe.log.filter((e) => e.method === 'POST' && e.path === '/v1/refunds').length, 10);
  } finally {
    await c.close();
  }
});

test('one owner linked at once through two nodes: one account, the other links edit it', async () => {
  const c = await startCluster({ nodes: 2 });
  try {
    const owner = { origin_owner_id: 'owner-two-nodes', origin_owner_name: 'Two Nodes Inc', multiple: false };
    // Connect sessions first (through either node), then every Hub link at the same moment, alternating nodes.
    const tokens = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const s = await callApi(c.nodes[i % 2].url, 'POST', '/connect_sessions', { key: c.apiKey, body: owner });
        assert.equal(s.status, 201, s.text);
        return s.body.token as string;
      }),
    );
    const answers = await Promise.all(
      tokens.map((token, i) =>
        callApi(c.nodes[i % 2].url, 'POST', '/hub/accounts', {
          headers: { 'x-hub-session-token': token },
          body: { integration_id: 'stripe-test', credentials: { api_key: c.stripe.keys.secretTest } },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 201], answers.map((a) => a.text).join('\n'));
    const rows = await sql(c, 'SELECT id FROM accounts WHERE origin_owner_id = $1', [owner.origin_owner_id]);
    assert.equal(rows.rowCount, 1);
    for (const a of answers) assert.equal(a.body.id, rows.rows[0].id);
  } finally {
    await c.close();
  }
});
