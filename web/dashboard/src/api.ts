// The dashboard's client for /dashboard/api/*: same-origin, cookie session, CSRF header on every call.

export interface ErrorBody {
  statusCode: number;
  message: string;
  timestamp?: string;
  [k: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: ErrorBody | null,
  ) {
    super(message);
  }
}

let onSignedOut: () => void = () => {};
/** Called when any call (other than sign-in) answers 401: the session ended. */
export function setSignedOutHandler(fn: () => void) {
  onSignedOut = fn;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'x-linkhub-csrf': '1', accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch('/dashboard/api' + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'Linkhub could not be reached. Check your connection and try again.', null);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = (parsed && typeof parsed === 'object' ? parsed : null) as ErrorBody | null;
    if (res.status === 401 && !(method === 'POST' && path === '/session')) onSignedOut();
    throw new ApiError(res.status, err?.message ?? `Request failed (${res.status})`, err);
  }
  return parsed as T;
}

export const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

// ---- wire types ---------------------------------------------------------------------------------

export interface SessionInfo {
  signed_in: true;
  expires_at: string;
  project: { id: string; name: string };
  public_url: string;
  webhook_events: string[];
}

export interface Account {
  id: string;
  provider: string;
  provider_name: string;
  environment: 'production' | 'test';
  key_type: 'secret' | 'restricted';
  key_hint: string;
  status: string;
  status_reasons: { code: string; description: string; timestamp: string }[];
  origin_owner_id: string;
  origin_owner_name: string;
  origin_username: string | null;
  label: string | null;
  external_account_id: string | null;
  external_account_name: string | null;
  /** The context the key acts in (e.g. the account a Stripe organization key acts on), or null. */
  context: string | null;
  last_verified_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AccountPage {
  data: Account[];
  next_cursor: string | null;
}

export interface TestResult {
  outcome: string;
  ok: boolean;
  message: string;
  permission: string | null;
  account: Account;
}

export interface AuthLink {
  token: string;
  auth_link_url: string;
  expires_at: string;
  origin_owner_id: string;
  origin_owner_name: string;
  origin_username: string | null;
  account_id: string | null;
  type: 'production' | 'test';
}

export interface ApiKey {
  id: string;
  name: string;
  hint: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  secret_hint: string;
  created_at: string;
}

export interface Delivery {
  id: number;
  endpoint_id: string;
  event_id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** A list page of the request log or the audit trail: `next` is the cursor of the following (older) page. */
export interface Paged<T> {
  data: T[];
  next: string | null;
  /** The audit trail: how many events paging reaches at most. */
  max?: number;
}

export interface RequestLog {
  id: string;
  account_id: string;
  account_owner_name: string | null;
  service: 'proxy' | 'rpc' | 'mcp';
  action: string | null;
  http_method: string;
  path: string;
  url: string;
  status: number | null;
  success: boolean;
  error: string | null;
  duration: number;
  event_datetime: string;
  source_type: string;
  source_id: string;
  actor_name: string | null;
  attempts: number;
  retries: number;
  provider_request_id: string | null;
  idempotency_key: string | null;
}

export interface RequestLogDetail extends RequestLog {
  request: { method: string; path: string; url: string; body: unknown };
  response: { status_code: number; body: unknown } | null;
}

export interface AuditEvent {
  id: string;
  account_id: string;
  account_owner_name: string | null;
  actor_type: string;
  actor_id: string;
  actor_name: string | null;
  action: string;
  outcome: string | null;
  at: string;
}

/** An agent token's policy; money amounts in the currency's smallest unit (cents). */
export interface AgentPolicy {
  read_only?: boolean;
  allow?: string[];
  deny?: string[];
  money?: Record<string, { per_call?: number; per_day?: number; approval_above?: number }>;
}

export interface AgentToken {
  id: string;
  name: string;
  hint: string;
  account_id: string;
  accounts: string[];
  policy: AgentPolicy | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface Approval {
  id: string;
  account_id: string;
  agent_token_id: string | null;
  action: string | null;
  status: string;
  amount: number;
  currency: string;
  reason: string;
  request: { method: string; path: string; params: unknown; headers: Record<string, string>; idempotency_key: string };
  created_at: string;
  /** pending: when it expires undecided */
  expires_at: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  /** an unconfirmed call a person settled from what they found at the provider (the status says what) */
  reconciled_at: string | null;
  reconciled_by: string | null;
  /** unconfirmed: until when it may be sent again (null: no limit known) */
  send_again_until: string | null;
  /** status 0: Linkhub did not send the approved call, `error` says why */
  result: { status: number; error?: string } | null;
}
