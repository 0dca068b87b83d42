// /accounts: list, get, patch, delete, meta (StackOne contract) and POST /accounts/{id}/test (Linkhub).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getConnector } from '../../connectors/registry.js';
import { accountView, REDACTED_PREFIX } from '../../services/accounts/account-view.js';
import type { DetailsPatch } from '../../services/accounts/accounts.js';
import { fail } from '../../errors/fail.js';
import { apiKeyActor } from '../auth.js';
import type { RouteContext } from '../context.js';
import { errors } from '../openapi/errors.js';
import { AccountPatch, AccountsQuery, IdParams } from '../schemas.js';
import { AccountMeta } from '../wire-schemas.js';

const Account = Type.Ref('LinkedAccount');

const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && Object.keys(v as object).length === 0);

/**
 * The new secret in a PATCH, if any: present keys replace, missing keys (and redacted placeholders)
 * keep; and the context sent with it (connectors with a context field), which only comes with a new key.
 */
function newSecret(
  secretField: string,
  contextField: string | null,
  bags: Record<string, Record<string, unknown> | null | undefined>,
): { key: unknown; context: unknown } {
  let key: unknown;
  let context: unknown;
  for (const [bagName, bag] of Object.entries(bags)) {
    if (isEmpty(bag)) continue;
    for (const [k, v] of Object.entries(bag!)) {
      const field = `${bagName}.${k}`;
      if (k === contextField) {
        context = v;
        continue;
      }
      if (k !== secretField) throw fail('invalid_input', { field, problem: `is not a known field (expected ${bagName}.${secretField})` }, { field });
      if (v === '' || v === null || (typeof v === 'string' && v.startsWith(REDACTED_PREFIX))) continue;
      key = v;
    }
  }
  if (context !== undefined && key === undefined) {
    const field = `credentials.${contextField}`;
    throw fail('invalid_input', { field, problem: `is taken together with a new key (credentials.${secretField}), which is tested with it` }, { field });
  }
  return { key, context };
}

export const accountRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { accounts } = ctx.services;
    app.addHook('onRequest', ctx.requireApiKey); // before the body is read or validated: no key, no parsing
    const tags = ['Accounts'];

    app.get(
      '/accounts',
      {
        schema: { summary: 'List linked accounts (bare array)', tags, querystring: AccountsQuery, response: { 200: Type.Array(Account), ...errors(400, 401) } },
      },
      async (request) => {
        const q = request.query;
        const rows = await accounts.list(
          request.principal.project.id,
          {
            originOwnerId: q.origin_owner_id,
            originOwnerIds: q.origin_owner_ids,
            providers: [...(q.providers ?? []), ...(q.provider ? [q.provider] : [])],
            accountIds: q.account_ids,
            status: q.status,
            environment: q.environment,
            search: q.search,
          },
          q.page ?? 1,
          q.page_size ?? 25,
        );
        return rows.map(accountView);
      },
    );

    app.get(
      '/accounts/:id',
      { schema: { summary: 'Get a linked account', tags, params: IdParams, response: { 200: Account, ...errors(401, 404) } } },
      async (request) => accountView(await accounts.get(request.principal.project.id, request.params.id)),
    );

    app.get(
      '/accounts/:id/meta',
      { schema: { summary: 'Account meta', tags, params: IdParams, response: { 200: AccountMeta, ...errors(401, 404) } } },
      async (request) => {
        const a = await accounts.get(request.principal.project.id, request.params.id);
        return { provider: a.provider, category: 'stackone', models: {} };
      },
    );

    app.patch(
      '/accounts/:id',
      {
        schema: {
          summary: 'Update a linked account; a new key in credentials/secrets is tested live and swapped in atomically',
          description: 'Omitted, null or {} fields are unchanged. `type` and `environment` follow the stored key and are ignored.',
          tags,
          params: IdParams,
          body: AccountPatch,
          // a new key is tested live: 422 refused by the provider, 502/504 provider down
          response: { 200: Account, ...errors(400, 401, 404, 422, 502) },
        },
      },
      async (request) => {
        const projectId = request.principal.project.id;
        const b = request.body;
        const current = await accounts.get(projectId, request.params.id);
        if (b.provider && b.provider !== current.provider) throw fail('provider_not_changeable');
        const connector = getConnector(current.provider);
        const secret = newSecret(connector?.field.key ?? 'api_key', connector?.context?.key ?? null, { credentials: b.credentials, secrets: b.secrets });
        const patch: DetailsPatch = {};
        if (b.origin_owner_id) patch.originOwnerId = b.origin_owner_id;
        if (b.origin_owner_name) patch.originOwnerName = b.origin_owner_name;
        if (typeof b.origin_username === 'string') patch.originUsername = b.origin_username;
        if (typeof b.label === 'string') patch.label = b.label;
        if (!isEmpty(b.metadata)) patch.metadata = b.metadata!;
        // the key and the details commit together, or nothing changes
        const change = { rawKey: secret.key, rawContext: secret.context, details: patch };
        return accountView(await accounts.update(projectId, apiKeyActor(request), current.id, change));
      },
    );

    app.delete(
      '/accounts/:id',
      { schema: { summary: 'Delete a linked account (its key is erased)', tags, params: IdParams, response: { 200: Account, ...errors(401, 404) } } },
      async (request) => accountView(await accounts.delete(request.principal.project.id, apiKeyActor(request), request.params.id)),
    );

    app.post(
      '/accounts/:id/test',
      {
        schema: {
          summary: 'Linkhub: run the live key test now',
          description:
            'Tests the stored key against the provider. outcome: ok (status active, last_verified_at updated), invalid_key / expired_key / missing_permission (status error), unreachable (status unchanged, retry later).',
          tags,
          params: IdParams,
          response: {
            ...errors(401, 404),
            200: Type.Object({
              outcome: Type.String(),
              message: Type.String(),
              permission: Type.Optional(Nullable()),
              account: Type.Ref('LinkedAccount'),
            }),
          },
        },
      },
      async (request) => {
        const { account, outcome } = await accounts.test(request.principal.project.id, apiKeyActor(request), request.params.id, { traceparent: request.id });
        const message = outcome.result === 'ok' ? 'The key works.' : outcome.message;
        const result = outcome.result === 'invalid_key' ? outcome.code : outcome.result;
        return {
          outcome: result,
          message,
          permission: outcome.result === 'missing_permission' ? outcome.permission : null,
          account: accountView(account),
        };
      },
    );
  };

function Nullable() {
  return Type.Union([Type.String(), Type.Null()]);
}
