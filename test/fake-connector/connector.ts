// "Fakepay": a tiny API-key provider that exists only in the tests, written against the connector
// contract alone (src/connectors/types.ts). It differs from Stripe wherever the contract allows, so
// the conformance suite proves that nothing outside a connector folder assumes Stripe: the key goes
// in `x-api-key` (no Bearer), bodies are JSON, writes carry `x-idempotency-key`, lists page with
// `next_cursor`, errors read `{"error": {"code", "message", "permission"}}`, permissions are
// `widgets:read`-style, and the limits are 40/s live, 10/s test.
import type {
  ConnectorAction,
  ConnectorDefinition,
  EnvironmentKey,
  KeyCheck,
  LiveTestContext,
  LiveTestOutcome,
  ProviderVerdict,
} from '../../src/connectors/types.js';

const MODE: Record<EnvironmentKey, 'live' | 'test'> = { production: 'live', test: 'test' };
const KEY = /^fk_(live|test)_(full|scoped)_[A-Za-z0-9]{16,64}$/;

function checkKey(raw: unknown, environment: EnvironmentKey): KeyCheck {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, code: 'key_missing', message: 'Paste your Fakepay API key.' };
  const key = raw.trim();
  const m = KEY.exec(key);
  if (!m) return { ok: false, code: 'key_prefix', message: 'A Fakepay key starts with fk_live_ or fk_test_.' };
  if (m[1] !== MODE[environment]) return { ok: false, code: 'key_mode_mismatch', message: `This is a ${m[1]} key; use a ${MODE[environment]} key.` };
  return { ok: true, key, keyType: m[2] === 'full' ? 'secret' : 'restricted', environment, hint: key.slice(-4) };
}

interface FakeError {
  code?: string;
  message?: string;
  permission?: string;
}

function parseError(body: Uint8Array): FakeError | null {
  try {
    const e = (JSON.parse(Buffer.from(body).toString('utf8')) as { error?: FakeError }).error;
    return e && typeof e === 'object' ? e : null;
  } catch {
    return null;
  }
}

function readAnswer(status: number, body: Uint8Array): ProviderVerdict {
  const e = parseError(body);
  const error = e ? { type: null, code: e.code ?? null, message: e.message ?? null, param: null } : null;
  if (status === 401) return { kind: 'key_rejected', code: e?.code === 'key_expired' ? 'expired_key' : 'invalid_key', error };
  if (status === 403) return { kind: 'missing_permission', permission: e?.permission ?? null, closedToRestrictedKeys: e?.code === 'full_key_only', error };
  if (status === 429) return { kind: 'rate_limited', error };
  if (status >= 500) return { kind: 'transient', error };
  return { kind: 'other', error };
}

async function liveTest(key: string, ctx: LiveTestContext): Promise<LiveTestOutcome> {
  let res: { status: number; body: Buffer };
  try {
    res = await ctx.get('/api/me', key);
  } catch {
    return { result: 'unreachable', message: 'Fakepay could not be reached.', providerStatus: null };
  }
  if (res.status === 200) {
    const me = JSON.parse(res.body.toString('utf8')) as { merchant_id: string; merchant_name: string };
    return { result: 'ok', externalAccountId: me.merchant_id, externalAccountName: me.merchant_name };
  }
  const verdict = readAnswer(res.status, res.body);
  if (verdict.kind === 'key_rejected')
    return { result: 'invalid_key', code: verdict.code, message: 'Fakepay rejected this key.', providerMessage: verdict.error?.message ?? null };
  if (verdict.kind === 'missing_permission') {
    const permission = verdict.permission ?? 'merchant:read';
    return {
      result: 'missing_permission',
      permission,
      message: `This scoped key lacks '${permission}'.`,
      providerMessage: verdict.error?.message ?? null,
      externalAccountId: null,
    };
  }
  return { result: 'unreachable', message: `Fakepay answered HTTP ${res.status}: try again.`, providerStatus: res.status };
}

const schema = (properties: Record<string, object>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });
const headers = schema({ 'x-idempotency-key': { type: 'string' } });

/** An action of the fake catalogue: a read unless said otherwise, one input section plus headers. */
function action(
  a: Pick<ConnectorAction, 'name' | 'operationId' | 'method' | 'path' | 'label' | 'description' | 'permission'> & Partial<ConnectorAction>,
  section: 'path' | 'query' | 'body',
  fields: object,
  required: string[] = [],
): ConnectorAction {
  const input = {
    type: 'object',
    properties: { [section]: schema(fields as Record<string, object>, required), headers },
    required: section === 'query' ? [] : [section],
    additionalProperties: false,
  };
  return { access: 'read', closedToRestrictedKeys: false, list: false, pagination: null, deprecated: false, ...a, input } as ConnectorAction;
}

const ACTIONS: ConnectorAction[] = [
  action(
    {
      name: 'fakepay_list_widgets',
      operationId: 'ListWidgets',
      method: 'GET',
      path: '/api/widgets',
      label: 'List widgets',
      description: 'Lists the widgets of the merchant, newest first.',
      permission: 'widgets:read',
      list: true,
      pagination: 'cursor',
    },
    'query',
    { limit: { type: 'integer', minimum: 1, maximum: 100 }, cursor: { type: 'string' } },
  ),
  action(
    {
      name: 'fakepay_get_widget',
      operationId: 'GetWidget',
      method: 'GET',
      path: '/api/widgets/{id}',
      label: 'Get a widget',
      description: 'Retrieves one widget by id.',
      permission: 'widgets:read',
    },
    'path',
    { id: { type: 'string', minLength: 1 } },
    ['id'],
  ),
  action(
    {
      name: 'fakepay_create_widget',
      operationId: 'CreateWidget',
      method: 'POST',
      path: '/api/widgets',
      label: 'Create a widget',
      description: 'Creates a widget with a name and a colour.',
      permission: 'widgets:write',
      access: 'write',
    },
    'body',
    { name: { type: 'string', minLength: 1 }, colour: { type: 'string' } },
    ['name'],
  ),
];

const byName = new Map(ACTIONS.map((a) => [a.name, a]));

export const fakepayConnector: ConnectorDefinition = {
  key: 'fakepay',
  name: 'Fakepay',
  description: 'A test-only widget API, linked by API key.',
  category: 'test',
  logoSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" fill="#0a7"/></svg>\n',
  authConfigKey: 'api_key',
  supportLink: 'https://fakepay.invalid/keys',
  environments: [
    { key: 'production', name: 'Fakepay', label: 'Production', description: 'Live widgets.', placeholder: 'fk_live_…', pattern: '^fk_live_' },
    { key: 'test', name: 'Fakepay (Test Mode)', label: 'Test Mode', description: 'Test widgets.', placeholder: 'fk_test_…', pattern: '^fk_test_' },
  ],
  field: { key: 'api_key', label: 'API Key', type: 'password', secret: true, required: true, guide: 'Create a key under Settings > Keys.' },
  notices: [],
  accountFields: { id: 'fakepay_merchant_id', name: 'fakepay_merchant_name' },
  keyNames: { secret: 'full key (fk_…_full_)', restricted: 'scoped key (fk_…_scoped_)' },
  checkKey,
  maskSecrets: (s) => s.replace(/fk_(live|test)_(full|scoped)_[A-Za-z0-9]+/g, 'fk_$1_$2_[redacted]'),
  liveTest,
  api: {
    baseUrl: 'https://api.fakepay.invalid',
    actionOrigins: [],
    credential: { header: 'x-api-key', prefix: '' },
    requestHeaders: { 'fakepay-version': '2' },
    passHeaders: [],
    requestIdHeader: 'x-request-id',
    // A provider that refuses headers it does not know: no traceparent is sent.
    acceptsTraceparent: false,
    encoding: {
      contentType: 'application/json',
      body: (data) => JSON.stringify(data),
      query: (data) => new URLSearchParams(Object.entries(data as Record<string, unknown>).map(([k, v]) => [k, String(v)])).toString(),
    },
    rateLimits: { production: 40, test: 10 },
    retry: { adviceHeader: 'x-fakepay-retry' },
    idempotency: { header: 'x-idempotency-key', maxLength: 64, keptMs: 60 * 60 * 1000 },
    readAnswer,
    permissions: {
      label: (p) => p.replace(':', ': '),
      grantHint: (p) => (p ? `Add '${p}' to the key under Settings > Keys.` : 'Edit the key under Settings > Keys.'),
      implied: (p) => (p.endsWith(':write') ? p.replace(/:write$/, ':read') : null),
      liveTest: 'merchant:read',
    },
  },
  actions: {
    prefix: 'fakepay_',
    catalogue: () => ({ actions: ACTIONS, byName }),
    withCursor: (_action, query, next) => ({ ...(query ?? {}), cursor: next }),
    readList(_action, answer) {
      const a = answer as { items?: unknown; next_cursor?: unknown };
      return Array.isArray(a?.items) ? { items: a.items, next: typeof a.next_cursor === 'string' ? a.next_cursor : null } : null;
    },
    vocabulary: { stopWords: ['fakepay'], synonyms: { gadget: ['widget'], gizmo: ['widget'] }, pathPrefix: '/api/' },
  },
};
