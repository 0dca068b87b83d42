// Plain-language action search through the real interface (POST /actions/search and GET
// /actions?search= on a running Linkhub): task sets the search learns from (the connector's labelled
// requests: held-out, fresh2) and the ones it has never seen (test/search/fresh3.json … fresh12.json,
// written blind; see test/search/tasks.ts) reach their measured top-1 and top-5 less a small margin (an
// unseen set's top-1 floor is above what the ranking scores on it without its learned second pass), all
// the unseen sets pooled reach issue 13's aim, the build learns that second pass where the server reads
// it, and
// the cases the search must understand: deprecated actions below their replacements, "money back" → refund, "bill" → invoice, "plan" → price or subscription, Connect's accounts apart
// from Financial Connections', and how a query is read (time windows, qualifiers, two-word verbs,
// object ids, questions, a find before the task, the reason for it).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import type { Linkhub } from './helpers/linkhub.js';
import { stripeConnector } from '../src/connectors/stripe/connector.js';
import { modelFingerprint } from '../src/services/actions/search-learn.js';
import { builtModelHeader } from '../src/services/actions/search-model.js';
import { loadTasks, rankOf, score, type TaskResult, UNSEEN_SETS } from './search/tasks.js';

let lh: Linkhub;
useLinkhub({ standin: { log: false } }, (f) => {
  lh = f.lh;
});

const PREFIX = 'stripe_';

/** The ranked action names POST /actions/search answers for a query. */
async function search(query: string, topK = 5): Promise<string[]> {
  const res = await lh.api('POST', '/actions/search', { query, connector: 'stripe', top_k: topK });
  assert.equal(res.status, 200, res.text);
  return res.body.results.map((r: { action_name: string }) => r.action_name);
}

/** A task set's results over POST /actions/search (each set searched once per run: the pooled test reuses them). */
const searched = new Map<string, Promise<TaskResult[]>>();
function searchSet(set: string): Promise<TaskResult[]> {
  let results = searched.get(set);
  if (results === undefined) {
    results = (async () => {
      const out: TaskResult[] = [];
      for (const task of loadTasks(set)) out.push(rankOf(task, await search(task.query), PREFIX));
      return out;
    })();
    searched.set(set, results);
  }
  return results;
}

/**
 * Measured by bench/search.ts when the search last changed, less a margin: held-out 100 % and 100 %,
 * fresh2 100 % and 100 % (both learned from: training scores); never seen, top-1 and top-5 (in
 * brackets, top-1 without the second pass, so these floors fail if it is lost): fresh3 92.8 % and
 * 100 % (82.0 %), fresh4 88.7 % and 97.6 % (78.0 %), fresh5 91.1 % and 99.4 % (79.9 %), fresh6 97.6 %
 * and 100 % (90.5 %), fresh7 94.1 % and 100 % (82.4 %), fresh8 95.3 % and 100 % (85.3 %), fresh9
 * 94.1 % and 98.8 % (82.4 %), fresh10 92.3 % and 99.4 % (85.8 %), fresh11 95.9 % and 98.8 % (88.9 %),
 * fresh12 97.1 % and 100 % (90.7 %); all of them pooled 93.9 % and 99.4 %, against issue 13's aim of
 * 93 % and 99 % (92.6 % and 99.2 % before the nearness of labelled requests and the ninth round).
 */
const FLOORS = [
  { set: 'held-out', min: { top1: 0.97, top5: 0.99 } },
  { set: 'fresh2', min: { top1: 0.97, top5: 0.99 } },
  { set: 'fresh3', min: { top1: 0.89, top5: 0.97 } },
  { set: 'fresh4', min: { top1: 0.85, top5: 0.95 } },
  { set: 'fresh5', min: { top1: 0.88, top5: 0.97 } },
  { set: 'fresh6', min: { top1: 0.95, top5: 0.98 } },
  { set: 'fresh7', min: { top1: 0.91, top5: 0.98 } },
  { set: 'fresh8', min: { top1: 0.92, top5: 0.98 } },
  { set: 'fresh9', min: { top1: 0.91, top5: 0.96 } },
  { set: 'fresh10', min: { top1: 0.9, top5: 0.97 } },
  { set: 'fresh11', min: { top1: 0.93, top5: 0.96 } },
  { set: 'fresh12', min: { top1: 0.94, top5: 0.98 } },
] as const;
/** Issue 13's aim, over every set never learned from, pooled. */
const POOLED = { top1: 0.93, top5: 0.99 };

test('the build learns the second pass from the connector’s labelled requests, where the server reads it', () => {
  // the tests run the sources beside the build (the search reads dist/search-models/ then), as `npm start` runs the build
  const head = builtModelHeader(stripeConnector.key);
  assert.ok(head, 'npm run build writes dist/search-models/stripe.model');
  const examples = stripeConnector.actions.vocabulary.examples?.() ?? [];
  assert.ok(examples.length > 10_000, `${examples.length} labelled requests`);
  assert.equal(head.fingerprint, modelFingerprint(stripeConnector, examples), 'learned from the requests and catalogue the server runs');
  assert.equal(head.bits, 18);
});

for (const { set, min } of FLOORS)
  describe(`action search: ${set} task set over POST /actions/search`, () => {
    test(`top-1 ≥ ${min.top1}, top-5 ≥ ${min.top5}`, async () => {
      const results = await searchSet(set);
      assert.ok(results.length >= 50, `${results.length} ${set} tasks`);
      const s = score(results);
      const misses = results.filter((r) => r.rank !== 1).map((r) => `${r.rank ?? '-'} ${r.task.query} → ${r.ranked[0]}`);
      assert.ok(s.top1 >= min.top1, `top-1 ${s.top1.toFixed(3)}; misses:\n${misses.join('\n')}`);
      assert.ok(s.top5 >= min.top5, `top-5 ${s.top5.toFixed(3)}; misses:\n${misses.join('\n')}`);
    });
  });

test(`action search: every set never learned from, pooled, reaches issue 13's aim (top-1 ≥ ${POOLED.top1}, top-5 ≥ ${POOLED.top5})`, async () => {
  const results = (await Promise.all(UNSEEN_SETS.map(searchSet))).flat();
  assert.ok(results.length >= 1500, `${results.length} tasks`);
  const s = score(results);
  assert.ok(s.top1 >= POOLED.top1, `top-1 ${s.top1.toFixed(3)} over ${s.n}`);
  assert.ok(s.top5 >= POOLED.top5, `top-5 ${s.top5.toFixed(3)} over ${s.n}`);
});

describe('action search: what it must understand', () => {
  test('a deprecated action ranks below the action that replaces it', async () => {
    const pairs: [query: string, replacement: string, deprecated: string][] = [
      ['refund a charge', 'create_refund', 'refund_charge'],
      ['list a customer’s subscriptions', 'list_subscriptions', 'list_customer_subscriptions'],
      ['get a linked account', 'get_financial_connections_account', 'get_linked_account'],
      ['close a charge dispute', 'close_dispute', 'close_charge_dispute'],
      ['balance history', 'list_balance_transactions', 'list_balance_history'],
      ['create a person on a connected account', 'create_account_person', 'create_account_person_legacy'],
    ];
    for (const [query, replacement, deprecated] of pairs) {
      const ranked = await search(query, 50);
      const r = ranked.indexOf(PREFIX + replacement);
      const d = ranked.indexOf(PREFIX + deprecated);
      assert.ok(r >= 0 && (d < 0 || r < d), `"${query}": ${replacement} at ${r}, ${deprecated} at ${d}: ${ranked.slice(0, 5).join(', ')}`);
    }
    // GET /actions?search= orders the same way, and marks the deprecated one
    const listed = await lh.api('GET', `/actions?search=${encodeURIComponent('refund a charge')}&page_size=10`);
    assert.equal(listed.status, 200, listed.text);
    const actions = listed.body.data[0].actions as { id: string; deprecated?: boolean }[];
    const ids = actions.map((a) => a.id);
    assert.equal(ids[0], 'stripe_create_refund');
    assert.ok(!ids.includes('stripe_refund_charge') || ids.indexOf('stripe_refund_charge') > 0);
    assert.ok(actions.filter((a) => a.id === 'stripe_refund_charge').every((a) => a.deprecated === true));
  });

  test('"money back" means a refund', async () => {
    for (const q of ['give a customer their money back', 'customer wants their money back for a purchase', 'pay a customer back for a double charge'])
      assert.equal((await search(q))[0], 'stripe_create_refund', q);
  });

  test('a bill is an invoice', async () => {
    for (const [q, expect] of [
      ['send a bill to a client', /invoice/],
      ['mark a bill as uncollectible', /^stripe_mark_uncollectible_invoice$/],
      ['list unpaid bills', /^stripe_(list|search)_invoices$/],
    ] as const) {
      const top = (await search(q))[0];
      assert.match(top, expect, `"${q}" → ${top}`);
    }
  });

  test('a plan is a price, or the subscription a customer is on', async () => {
    assert.equal((await search('change a customer’s plan'))[0], 'stripe_update_subscription');
    assert.equal((await search('downgrade a customer to a cheaper plan'))[0], 'stripe_update_subscription');
    assert.match((await search('create a pricing plan'))[0], /^stripe_create_(price|plan)$/);
    assert.match((await search('what plan is this customer on'))[0], /^stripe_(get|list)_subscriptions?$/);
  });

  test('how a query is read: a time window asks for a list, a qualifier weighs less than the thing, two-word verbs', async () => {
    // "in the last day" and "recent" look back over many: a list, not one
    // (not "what happened with payouts / refunds …": labelled requests teach get_payout and a fee refund that
    // "what happened" asks about one of them, and they now rank first there; a known miss)
    assert.equal((await search('what happened with disputes this week'))[0], 'stripe_list_disputes');
    // (a search of charges answers it too, and better: it filters by status, which the list cannot)
    assert.match((await search('which charges failed yesterday'))[0], /^stripe_(list|search)_charges$/);
    assert.equal((await search('recent disputes'))[0], 'stripe_list_disputes');
    // the thing made is a refund; the charge only says which
    assert.equal((await search('create a refund for a charge'))[0], 'stripe_create_refund');
    // "take … off" removes, "turn … off" disables: not "take" as in taking a payment
    assert.equal((await search('take the coupon off this customer'))[0], 'stripe_delete_customer_discount');
    assert.equal((await search('turn the webhook off for now'))[0], 'stripe_update_webhook_endpoint');
  });

  test('how a query is read: object ids, questions, a verb in the past, a label, a find before the task, the latest', async () => {
    for (const [q, expect] of [
      // an id names its resource: a cs_ id is a Checkout Session, a ch_ id a charge
      ['expire cs_test_a1B2c3', 'stripe_expire_checkout_session'],
      ['what is going on with ch_3MmlLrLkdIwHu7ix', 'stripe_get_charge'],
      // "how many refunds": a question's thing is kept though it is also a verb, and it asks for a list
      ['how many payouts did we get this month', 'stripe_list_payouts'],
      // "changed" tells what happened; the task is the last clause's
      ['customer changed their email, show their profile', 'stripe_get_customer'],
      ['the customer got their item after all, call the refund off', 'stripe_cancel_refund'],
      ["Step 3: refund the customer's last payment", 'stripe_create_refund'],
      ['find the invoice and send it again', 'stripe_send_invoice'],
      ['show me the latest dispute', 'stripe_list_disputes'],
    ] as const)
      assert.equal((await search(q))[0], expect, q);
  });

  test('Connect’s connected accounts and Financial Connections’ linked bank accounts are told apart', async () => {
    const connect = await search('list my connected accounts');
    assert.equal(connect[0], 'stripe_list_accounts');
    const fc = await search('list bank accounts linked through Financial Connections');
    assert.equal(fc[0], 'stripe_list_financial_connections_accounts');
    assert.ok(!connect.slice(0, 3).some((n) => n.includes('financial_connections')), connect.join(', '));
    assert.ok(!fc.slice(0, 3).some((n) => n === 'stripe_list_accounts'), fc.join(', '));
    assert.equal((await search('onboard a seller to my marketplace'))[0].startsWith('stripe_create_account'), true);
    assert.equal((await search('let a customer link their bank account by logging in to their bank'))[0], 'stripe_create_financial_connections_session');
  });
});

test('a task written over several lines (as an agent pastes it) is searched, its line breaks read as spaces; a NUL is still refused', async () => {
  assert.equal((await search('The customer was charged twice.\nGive them their money back\r\n\tfor the second charge'))[0], 'stripe_create_refund');
  const nul = await lh.api('POST', '/actions/search', { query: 'refund\u0000a charge', connector: 'stripe' });
  assert.equal(nul.status, 400, nul.text);
  assert.equal(nul.body.code, 'invalid_input', nul.text);
  assert.equal(nul.body.field, 'query', nul.text);
});
