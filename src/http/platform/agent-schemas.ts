// Wire schemas of agent tokens, agent policies and approvals.
import { Type } from 'typebox';
import { Nullable } from '../schemas.js';

const DateTime = Type.String({ format: 'date-time' });

const Amount = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: "In the currency's smallest unit (cents)" });
const ActionGlob = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9_*]+$',
  description: 'An action name, `*` matching any run of characters',
});

/** Inline in request bodies (their validators resolve no shared $ref); AgentPolicy below is the document's component. */
const policySchema = (id?: string) =>
  Type.Object(
    {
      read_only: Type.Optional(Type.Boolean({ description: 'Only actions that read (GET) pass' })),
      allow: Type.Optional(
        Type.Array(ActionGlob, { maxItems: 500, description: 'Only these actions pass (a call that is no known action does not); empty: no such limit' }),
      ),
      deny: Type.Optional(Type.Array(ActionGlob, { maxItems: 500, description: 'These actions never pass' })),
      money: Type.Optional(
        Type.Record(
          Type.String({ pattern: '^[a-z]{3}$' }),
          Type.Object(
            {
              per_call: Type.Optional(Amount),
              per_day: Type.Optional(Amount),
              approval_above: Type.Optional(Type.Integer({ ...Amount, description: 'Calls above this amount are held for a person to approve' })),
            },
            { additionalProperties: false },
          ),
          {
            // a key off the pattern (USD) is refused, not stored and then dropped from the answer
            additionalProperties: false,
            description:
              'Money-moving actions (refunds, payouts, transfers, charges, payment intents, invoice payments, credit notes, top-ups…) by lower-case currency: ' +
              'caps per call and per rolling 24 hours, and an approval threshold. With `money` set, a currency it does not name is refused.',
          },
        ),
      ),
    },
    { additionalProperties: false, ...(id ? { $id: id } : {}), description: 'What an agent token may do (at most 32 KiB as JSON)' },
  );
export const AgentPolicy = policySchema('AgentPolicy');
export const AgentPolicyInput = policySchema();

export const AccountParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
export const TokenParams = Type.Object({ id: Type.String({ maxLength: 100 }), token_id: Type.String({ maxLength: 100 }) });
export const PolicyBody = Type.Object({ policy: Nullable(AgentPolicyInput) }, { additionalProperties: false });

export const AgentTokenInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    expires_in: Type.Optional(Nullable(Type.Integer({ minimum: 60, maximum: 31_536_000 * 5, description: 'Seconds until it stops working (default: never)' }))),
    policy: Type.Optional(Nullable(AgentPolicyInput)),
    also_accounts: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50, description: 'Other linked accounts it may act on' })),
  },
  { additionalProperties: false },
);

const tokenFields = {
  id: Type.String(),
  name: Type.String(),
  hint: Type.String({ description: 'Last characters of the token' }),
  account_id: Type.String(),
  accounts: Type.Array(Type.String(), { description: 'The accounts it acts on; the first is the one it was created on' }),
  policy: Nullable(Type.Ref('AgentPolicy')),
  created_at: DateTime,
  expires_at: Nullable(DateTime),
  last_used_at: Nullable(DateTime),
  revoked_at: Nullable(DateTime),
};

export const AgentToken = Type.Object(tokenFields, { $id: 'AgentToken' });
export const AgentTokenCreated = Type.Object({
  ...tokenFields,
  token: Type.String({ description: 'The token (lhat_…): shown this once, only a hash is kept' }),
});

export const Approval = Type.Object(
  {
    id: Type.String(),
    account_id: Type.String(),
    agent_token_id: Nullable(Type.String()),
    action: Nullable(Type.String()),
    status: Type.String({
      description:
        'pending (until expires_at); expired (not decided in 7 days: never sent); denied; approved (being sent); executed (approved and sent); failed (approved, and the provider refused it, or Linkhub did not send it: result.status 0); unconfirmed (approved and sent, but no answer came: approving again, or the agent repeating the call, sends it again with its idempotency key, until send_again_until; a person who looked it up at the provider reconciles it to executed or failed)',
    }),
    amount: Type.Integer(),
    currency: Type.String(),
    reason: Type.String(),
    request: Type.Object(
      {
        method: Type.String(),
        path: Type.String(),
        params: Type.Unknown(),
        headers: Type.Record(Type.String(), Type.String()),
        idempotency_key: Type.String(),
      },
      { additionalProperties: true },
    ),
    created_at: DateTime,
    expires_at: Nullable(
      Type.String({ format: 'date-time', description: 'A pending (or expired) call: when it expires undecided (7 days after it was held)' }),
    ),
    resolved_at: Nullable(DateTime),
    resolved_by: Nullable(Type.String()),
    reconciled_at: Nullable(
      Type.String({
        format: 'date-time',
        description: 'An unconfirmed call a person reconciled (POST /approvals/{id}/reconcile): when; its status says what they found',
      }),
    ),
    reconciled_by: Nullable(Type.String()),
    send_again_until: Nullable(
      Type.String({
        format: 'date-time',
        description:
          "An unconfirmed call: until when it may be sent again, an hour inside the time the provider keeps its idempotency key after the first sending. Past it, it is not sent again (it could be applied twice): look it up at the provider. Null: the provider's key lifetime is not known",
      }),
    ),
    result: Nullable(
      Type.Object({
        status: Type.Integer({
          description: "The provider's HTTP status; 0: Linkhub did not send the call, or a person found it not applied (see `error`)",
        }),
        error: Type.Optional(
          Type.String({ description: 'Why the approved call was not sent (status 0): the provider unreachable, or what it would move grew since it was held' }),
        ),
      }),
    ),
  },
  { $id: 'Approval' },
);

export const ApprovalReconcileBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('applied'), Type.Literal('not_applied')], {
      description:
        'What you found at the provider, looking the call up by its idempotency key: applied (it is executed), or not_applied (it is failed, and its amount no longer counts in the day)',
    }),
  },
  { additionalProperties: false },
);

export const ApprovalListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(['pending', 'expired', 'denied', 'approved', 'executed', 'failed', 'unconfirmed'].map((s) => Type.Literal(s)))),
    account_id: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
