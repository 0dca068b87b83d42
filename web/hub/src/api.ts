// The private Hub API (/hub/*), authorised by the connect-session token.

export interface HubSettings {
  enabled_features: string[];
  existing_account_id?: string;
  origin_owner_name?: string;
  expires_at?: string;
  /** Linkhub: an account was already linked (or its key replaced) through this session. */
  linkhub_used_at?: string;
}

export interface Integration {
  integration_id: string;
  provider: string;
  name: string;
  active: boolean;
  environment: string;
  logo_url?: string;
  environment_label?: string;
  description?: string;
}

export interface ConfigField {
  key: string;
  label: string;
  type?: string;
  required?: boolean;
  secret?: boolean;
  placeholder?: string;
  description?: string;
  tooltip?: string;
  guide?: { description?: string; tooltip?: string };
  validation?: { type: string; pattern: string; error?: string };
  /** Linkhub: the connector's context field (shown only for keys that need one). */
  linkhub_context?: boolean;
}

export interface Notice {
  key: string;
  type: 'info' | 'warning';
  description: string;
  position?: 'top' | 'bottom';
  anchor?: string;
}

export interface ConnectorConfig {
  key: string;
  name: string;
  environment?: { key: string; label: string; description: string };
  configFields?: ConfigField[];
  configNotices?: Notice[];
  assets?: { icon?: string };
  support?: { link?: string; description?: string } | null;
}

export interface AccountData {
  secureId: string;
  provider: string;
  integrationId: string | null;
  environment?: string;
  secrets?: Record<string, string>;
  keyType?: string;
  keyHint?: string;
  accountName?: string | null;
  context?: string | null;
}

export interface Linked {
  id: string;
  provider: string;
  environment?: string;
  key_type?: string;
  key_hint?: string;
  account_id?: string | null;
  account_name?: string | null;
}

/** A failed call: `status` 0 when Linkhub could not be reached at all. */
export class HubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
  get retryable(): boolean {
    return this.status === 0 || this.body.retryable === true || this.status >= 500;
  }
}

export function createApi(baseUrl: string, token: string) {
  const base = baseUrl.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'x-hub-session-token': token };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
    } catch {
      throw new HubError(0, 'Linkhub could not be reached. Check your connection and try again.');
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const b = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
      const message = typeof b.message === 'string' && b.message ? b.message : `Request failed (HTTP ${res.status}).`;
      throw new HubError(res.status, message, typeof b.code === 'string' ? b.code : null, b);
    }
    return parsed as T;
  }
  return {
    settings: () => call<HubSettings>('GET', '/hub/settings'),
    connectors: (provider?: string) =>
      call<{ integrations: Integration[] }>('GET', '/hub/connectors' + (provider ? `?provider=${encodeURIComponent(provider)}` : '')),
    config: (integrationId: string) => call<{ config: ConnectorConfig }>('GET', `/hub/connectors/${encodeURIComponent(integrationId)}`),
    account: (id: string) => call<AccountData>('GET', `/hub/accounts/${encodeURIComponent(id)}`),
    link: (integrationId: string, credentials: Record<string, string>) => call<Linked>('POST', '/hub/accounts', { integration_id: integrationId, credentials }),
    update: (id: string, integrationId: string, credentials: Record<string, string>) =>
      call<Linked>('PATCH', `/hub/accounts/${encodeURIComponent(id)}`, { integration_id: integrationId, credentials }),
  };
}

export type Api = ReturnType<typeof createApi>;
