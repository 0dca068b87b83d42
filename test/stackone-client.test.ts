// StackOne's official TypeScript client (@stackone/stackone-client-ts 4.28) against Linkhub with only
// serverURL and the API key changed. The SDK validates every response with zod: a
// ResponseValidationError anywhere here is a real wire incompatibility.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StackOne } from '@stackone/stackone-client-ts';
import * as errors from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import { ConnectSessionCreateType } from '@stackone/stackone-client-ts/sdk/models/shared/index.js';
import { type Linkhub, startLinkhub } from './helpers/linkhub.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
let sdk: StackOne;

before(async () => {
  stripe = await startStripeStandin();
  // The default configuration: 4.28 gets organization_id as the number it requires because Linkhub
  // reads the client's user-agent (docs/stackone-compat.md#organization_id-type).
  lh = await startLinkhub({ stripeApiBase: stripe.url });
  sdk = new StackOne({ serverURL: lh.url, security: { username: lh.apiKey, password: '' } });
});
after(async () => {
  await lh?.close();
  await stripe?.close();
});

/** Links through /hub/* with the session token (plain fetch: the SDK has no hub calls). */
async function linkWithToken(token: string, key: string, integrationId = 'stripe-test'): Promise<{ id: string; provider: string }> {
  const res = await fetch(`${lh.url}/hub/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-session-token': token, 'x-hub-version': '1.11.4' },
    body: JSON.stringify({ integration_id: integrationId, credentials: { api_key: key } }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

async function newSession(owner: string, extra: Partial<Parameters<StackOne['connectSessions']['createConnectSession']>[0]> = {}) {
  const res = await sdk.connectSessions.createConnectSession({ originOwnerId: owner, originOwnerName: `${owner} Ltd`, ...extra });
  assert.equal(res.statusCode, 201);
  return res.connectSessionTokenAuthLink!;
}

/** Runs `fn` and returns the error it throws (it must throw). */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to throw');
}

function notAValidationError(e: unknown) {
  assert.ok(
    !(e instanceof errors.ResponseValidationError),
    `ResponseValidationError: ${(e as Error)?.message} ${(e as errors.ResponseValidationError)?.rawValue ? JSON.stringify((e as errors.ResponseValidationError).rawValue) : ''}`,
  );
}

describe('the official SDK end to end', () => {
  test('create a session, authenticate it, link through the Hub API, then list/get/patch/meta/delete', async () => {
    // 1. connect session
    const session = await newSession('sdk-owner', {
      originUsername: 'ops@sdk-owner.example',
      provider: 'stripe',
      label: 'SDK linked',
      type: ConnectSessionCreateType.Test,
      expiresIn: 900,
      metadata: { plan: 'pro' },
    });
    assert.equal(typeof session.id, 'number');
    assert.equal(session.organizationId, 1);
    assert.equal(session.projectId, 'default');
    assert.equal(session.originOwnerId, 'sdk-owner');
    assert.equal(session.originOwnerName, 'sdk-owner Ltd');
    assert.equal(session.originUsername, 'ops@sdk-owner.example');
    assert.equal(session.provider, 'stripe');
    assert.equal(session.label, 'SDK linked');
    assert.equal(session.type, 'test');
    assert.ok(session.createdAt instanceof Date);
    assert.ok(Math.abs(session.createdAt.getTime() - Date.now()) < 60_000);
    assert.equal(typeof session.token, 'string');
    assert.ok(session.authLinkUrl.startsWith(lh.url + '/link?token='));

    // 2. authenticate
    const auth = await sdk.connectSessions.authenticateConnectSession({ token: session.token });
    assert.equal(auth.statusCode, 201);
    const cs = auth.connectSession!;
    assert.equal(cs.id, session.id);
    assert.equal(cs.organizationId, 1);
    assert.equal(cs.originOwnerId, 'sdk-owner');
    assert.equal(cs.type, 'test');
    assert.equal((cs as Record<string, unknown>).token, undefined);

    // 3. link an account with the token, as the Hub would
    const linked = await linkWithToken(session.token, stripe.keys.secretTest);
    assert.equal(linked.provider, 'stripe');
    const id = linked.id;

    // 4. list with every filter the SDK has (repeated keys on the wire)
    const list = await sdk.accounts.listLinkedAccounts({
      originOwnerId: 'sdk-owner',
      originOwnerIds: ['sdk-owner', 'someone-else'],
      providers: ['stripe'],
      accountIds: [id, 'acc_other'],
      status: ['active', 'error'],
      page: 1,
      pageSize: 25,
    });
    assert.equal(list.statusCode, 200);
    assert.equal(list.classes!.length, 1);
    const listed = list.classes![0];
    assert.equal(listed.id, id);
    assert.equal(listed.provider, 'stripe');
    assert.equal(listed.providerName, 'Stripe');
    assert.equal(listed.status, 'active');
    assert.equal(listed.originOwnerId, 'sdk-owner');
    assert.equal(listed.originUsername, 'ops@sdk-owner.example');
    assert.equal(listed.label, 'SDK linked');
    assert.equal(listed.type, 'test');
    assert.ok(listed.createdAt instanceof Date);
    assert.ok(listed.updatedAt instanceof Date);
    assert.deepEqual(listed.credentials, {}, '4.28 parses credentials to {}');
    assert.deepEqual(listed.statusReasons, []);
    const all = await sdk.accounts.listLinkedAccounts({});
    assert.ok(all.classes!.some((a) => a.id === id));
    const deprecated = await sdk.accounts.listLinkedAccounts({ provider: 'stripe', originOwnerId: 'sdk-owner' });
    assert.equal(deprecated.classes!.length, 1);

    // 5. get
    const got = await sdk.accounts.getAccount({ id });
    assert.equal(got.statusCode, 200);
    assert.equal(got.linkedAccount!.id, id);
    assert.deepEqual(got.linkedAccount, listed);

    // 6. patch: what 4.28 sends for free-form objects is {} (unchanged); strings change
    const before = (await lh.api('GET', `/accounts/${id}`)).body;
    stripe.clearLog();
    const noop = await sdk.accounts.updateAccount({
      id,
      patchAccountExternalDto: {
        label: { anything: 'stripped' },
        metadata: { stripped: true },
        credentials: { api_key: stripe.keys.restrictedTest },
        secrets: { api_key: stripe.keys.restrictedTest },
      },
    });
    assert.equal(noop.statusCode, 200);
    assert.equal(noop.linkedAccount!.updatedAt.getTime(), Date.parse(before.updated_at), 'nothing changed');
    assert.equal(stripe.log.length, 0, 'no key test: 4.28 strips credentials to {}');
    assert.equal((await lh.api('GET', `/accounts/${id}`)).body.key_hint, before.key_hint);

    const renamed = await sdk.accounts.updateAccount({
      id,
      patchAccountExternalDto: { originOwnerName: 'Renamed Ltd', originUsername: 'new@sdk-owner.example' },
    });
    assert.equal(renamed.linkedAccount!.originOwnerName, 'Renamed Ltd');
    assert.equal(renamed.linkedAccount!.originUsername, 'new@sdk-owner.example');
    assert.ok(renamed.linkedAccount!.updatedAt.getTime() >= Date.parse(before.updated_at));

    // 7. account meta
    const meta = await sdk.accounts.getAccountMetaInfo({ id });
    assert.equal(meta.statusCode, 200);
    assert.equal(meta.linkedAccountMeta!.provider, 'stripe');
    assert.equal(meta.linkedAccountMeta!.category, 'stackone');
    assert.deepEqual(meta.linkedAccountMeta!.models, {});

    // 8. delete returns the account, then it is gone (typed 404)
    const deleted = await sdk.accounts.deleteAccount({ id });
    assert.equal(deleted.statusCode, 200);
    assert.equal(deleted.linkedAccount!.id, id);
    assert.equal(deleted.linkedAccount!.originOwnerName, 'Renamed Ltd');
    const gone = await rejection(() => sdk.accounts.getAccount({ id }));
    notAValidationError(gone);
    assert.ok(gone instanceof errors.NotFoundResponse, String(gone));
    assert.equal(gone.statusCode, 404);
    assert.match(gone.message, /not found/i);
    assert.ok(gone.timestamp instanceof Date);
    const list2 = await sdk.accounts.listLinkedAccounts({ accountIds: [id] });
    assert.deepEqual(list2.classes, []);
  });

  test('edit mode: a session for an existing account', async () => {
    const first = await newSession('sdk-edit', { multiple: true });
    const { id } = await linkWithToken(first.token, stripe.keys.secretTest);
    const edit = await newSession('sdk-edit', { accountId: id });
    assert.equal(edit.accountId, id);
    const missing = await rejection(() => newSession('sdk-edit', { accountId: 'acc_nope' }));
    notAValidationError(missing);
    assert.ok(missing instanceof errors.NotFoundResponse, String(missing));
  });

  test('an account in error parses (status_reasons with timestamps)', async () => {
    const key = stripe.world.addKey({ kind: 'sk', mode: 'test', account: stripe.accounts.main.id });
    const s = await newSession('sdk-err', { multiple: true });
    const { id } = await linkWithToken(s.token, key);
    stripe.world.setKeyStatus(key, 'expired');
    assert.equal((await lh.api('POST', `/accounts/${id}/test`)).body.outcome, 'expired_key');
    const got = await sdk.accounts.getAccount({ id });
    assert.equal(got.linkedAccount!.status, 'error');
    assert.equal(got.linkedAccount!.statusReasons!.length, 1);
    assert.equal(got.linkedAccount!.statusReasons![0].code, 'expired_key');
    assert.ok(got.linkedAccount!.statusReasons![0].timestamp instanceof Date);
    const errs = await sdk.accounts.listLinkedAccounts({ status: ['error'], originOwnerId: 'sdk-err' });
    assert.deepEqual(
      errs.classes!.map((a) => a.id),
      [id],
    );
  });

  test('a production session and a live key', async () => {
    const s = await newSession('sdk-live', { type: ConnectSessionCreateType.Production });
    assert.equal(s.type, 'production');
    const { id } = await linkWithToken(s.token, stripe.keys.restrictedLive, 'stripe-production');
    const got = await sdk.accounts.getAccount({ id });
    assert.equal(got.linkedAccount!.type, 'production');
  });

  test('connectors meta: list and one; unknown is a typed 404', async () => {
    const list = await sdk.connectors.listConnectorsMeta({});
    assert.equal(list.statusCode, 200);
    const s = list.classes!.find((c) => c.provider === 'stripe');
    assert.ok(s);
    assert.equal(s.providerName, 'Stripe');
    assert.equal(s.category, 'stackone');
    assert.deepEqual(s.models, {});
    assert.equal(s.active, true);
    assert.ok(s.resources?.images?.logoUrl);
    const withInclude = await sdk.connectors.listConnectorsMeta({ include: 'field_path,unmapped_fields,resources,inactive,webhooks,static_fields' });
    assert.equal(withInclude.classes!.length, list.classes!.length);

    const one = await sdk.connectors.getConnectorMeta({ provider: 'stripe', include: 'resources' });
    assert.equal(one.statusCode, 200);
    assert.equal(one.connectorsMeta!.provider, 'stripe');
    assert.deepEqual(one.connectorsMeta, s);

    const unknown = await rejection(() => sdk.connectors.getConnectorMeta({ provider: 'hubspot' }));
    notAValidationError(unknown);
    assert.ok(unknown instanceof errors.NotFoundResponse, String(unknown));
  });
});

describe('SDK errors are typed', () => {
  test('a wrong API key raises UnauthorizedResponse (401)', async () => {
    const wrong = new StackOne({ serverURL: lh.url, security: { username: 'lh_' + 'x'.repeat(40), password: '' } });
    for (const call of [
      () => wrong.accounts.listLinkedAccounts({}),
      () => wrong.connectSessions.createConnectSession({ originOwnerId: 'o', originOwnerName: 'O' }),
      () => wrong.connectors.listConnectorsMeta({}),
      () => wrong.accounts.getAccount({ id: 'acc_x' }),
    ]) {
      const e = await rejection(call);
      notAValidationError(e);
      assert.ok(e instanceof errors.UnauthorizedResponse, String(e));
      assert.equal(e.statusCode, 401);
      assert.ok(e.timestamp instanceof Date);
      assert.equal(e.data$.statusCode, 401);
    }
    const empty = new StackOne({ serverURL: lh.url, security: { username: '', password: '' } });
    const e = await rejection(() => empty.accounts.listLinkedAccounts({}));
    notAValidationError(e);
    assert.ok(e instanceof errors.UnauthorizedResponse, String(e));
  });

  test('an unknown or expired session token raises UnauthorizedResponse on authenticate', async () => {
    const e = await rejection(() => sdk.connectSessions.authenticateConnectSession({ token: 'not-a-token' }));
    notAValidationError(e);
    assert.ok(e instanceof errors.UnauthorizedResponse, String(e));
  });

  test('a bad request raises BadRequestResponse (400)', async () => {
    const e = await rejection(() => sdk.connectSessions.createConnectSession({ originOwnerId: '', originOwnerName: 'O' }));
    notAValidationError(e);
    assert.ok(e instanceof errors.BadRequestResponse, String(e));
    assert.equal(e.statusCode, 400);
    assert.match(e.message, /origin_owner_id/);
  });

  test('unknown account on meta, patch and delete raises NotFoundResponse', async () => {
    for (const call of [
      () => sdk.accounts.getAccountMetaInfo({ id: 'acc_missing' }),
      () => sdk.accounts.updateAccount({ id: 'acc_missing', patchAccountExternalDto: { originOwnerName: 'x' } }),
      () => sdk.accounts.deleteAccount({ id: 'acc_missing' }),
    ]) {
      const e = await rejection(call);
      notAValidationError(e);
      assert.ok(e instanceof errors.NotFoundResponse, String(e));
    }
  });
});

describe('organization_id type', () => {
  test('LINKHUB_ORGANIZATION_ID_TYPE=string overrides the client: then the 4.28 SDK cannot parse a session (why the default follows the client)', async () => {
    const lhString = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_ORGANIZATION_ID_TYPE: 'string' } });
    try {
      const s = new StackOne({ serverURL: lhString.url, security: { username: lhString.apiKey, password: '' } });
      const e = await rejection(() => s.connectSessions.createConnectSession({ originOwnerId: 'o', originOwnerName: 'O' }));
      assert.ok(e instanceof errors.ResponseValidationError, String(e));
      // everything else works either way
      const list = await s.accounts.listLinkedAccounts({});
      assert.deepEqual(list.classes, []);
    } finally {
      await lhString.close();
    }
  });

  test('by default the type follows the user-agent: 4.28 a number; 4.34, another client or none a string', async () => {
    const session = (ua?: string) =>
      fetch(`${lh.url}/connect_sessions`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${lh.apiKey}:`).toString('base64')}`,
          'content-type': 'application/json',
          ...(ua ? { 'user-agent': ua } : {}),
        },
        body: JSON.stringify({ origin_owner_id: 'ua', origin_owner_name: 'UA' }),
      }).then(async (r) => (await r.json()).organization_id);
    assert.equal(await session('speakeasy-sdk/typescript 4.28.0 2.721.3 1.0.0 @stackone/stackone-client-ts'), 1);
    assert.equal(await session('speakeasy-sdk/typescript 4.34.1 2.740.0 1.0.0 @stackone/stackone-client-ts'), '1');
    assert.equal(await session('speakeasy-sdk/typescript 4.28.0 2.721.3 1.0.0 @someone/else'), '1');
    assert.equal(await session('curl/8.5.0'), '1');
    assert.equal(await session(), '1');
  });
});
