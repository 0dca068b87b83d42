// Response schemas of the dashboard's JSON API (api.ts, logs.ts). Each states every field of the
// view it describes: Fastify serialises answers with them (a field missing here would be dropped).
import { Type } from 'typebox';
import { Environment, Nullable, StatusReasons } from '../schemas.js';
import { DateTime, NamedAuditEvent, NamedRequestLog, Page } from '../wire-schemas.js';

export const DashboardAccount = Type.Object(
  {
    id: Type.String(),
    provider: Type.String(),
    provider_name: Type.String(),
    environment: Environment,
    key_type: Type.Union([Type.Literal('secret'), Type.Literal('restricted')]),
    key_hint: Type.String(),
    status: Type.String({ description: 'active | error' }),
    status_reasons: StatusReasons,
    origin_owner_id: Type.String(),
    origin_owner_name: Type.String(),
    origin_username: Nullable(Type.String()),
    label: Nullable(Type.String()),
    external_account_id: Nullable(Type.String({ description: "The provider's own account id, when the live test learnt it" })),
    external_account_name: Nullable(Type.String()),
    context: Nullable(Type.String({ description: 'The context the key acts in (e.g. the account an organization key acts on), sent on every call' })),
    last_verified_at: Nullable(DateTime),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'DashboardAccount' },
);
const AccountRef = Type.Ref('DashboardAccount');

export const SignedIn = Type.Object({ signed_in: Type.Literal(true), expires_at: DateTime });
export const SignedOut = Type.Object({ signed_in: Type.Literal(false) });
export const SessionInfo = Type.Object({
  signed_in: Type.Literal(true),
  expires_at: DateTime,
  project: Type.Object({ id: Type.String(), name: Type.String() }),
  public_url: Type.String(),
  webhook_events: Type.Array(Type.String()),
});

export const AccountPage = Type.Object({ data: Type.Array(AccountRef), next_cursor: Nullable(Type.String({ description: 'Send back as `cursor`' })) });

export const AccountTested = Type.Object({
  outcome: Type.String({ description: 'ok | invalid_key | expired_key | missing_permission | unreachable' }),
  ok: Type.Boolean(),
  message: Type.String(),
  permission: Nullable(Type.String()),
  account: AccountRef,
});

export const AuthLink = Type.Object({
  token: Type.String(),
  auth_link_url: Type.String(),
  expires_at: DateTime,
  origin_owner_id: Type.String(),
  origin_owner_name: Type.String(),
  origin_username: Nullable(Type.String()),
  account_id: Nullable(Type.String()),
  type: Environment,
});

export const LogPage = Page(NamedRequestLog);
export const AuditPage = Type.Object({ ...Page(NamedAuditEvent).properties, max: Type.Integer({ description: 'Events reachable by paging' }) });

/** Registered once and referenced by $id. */
export const DASHBOARD_COMPONENTS = [DashboardAccount];
