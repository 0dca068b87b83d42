// Wire views and request schemas shared by the platform API and the dashboard API.
import { Type } from 'typebox';
import type { ApiKeyService } from '../services/admin/api-keys.js';
import { WEBHOOK_EVENTS, type WebhookEndpoint, type WebhookService } from '../services/webhooks/webhooks.js';

export const endpointView = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  enabled: e.enabled,
  secret_hint: e.secretHint,
  created_at: e.createdAt.toISOString(),
});

type Delivery = Awaited<ReturnType<WebhookService['deliveries']>>[number];

export const deliveryView = (r: Delivery) => ({
  id: r.id,
  endpoint_id: r.endpointId,
  event_id: r.eventId,
  event: r.eventType,
  status: r.status,
  attempts: r.attempts,
  last_status_code: r.lastStatusCode,
  last_error: r.lastError,
  next_attempt_at: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
  created_at: r.createdAt.toISOString(),
  delivered_at: r.deliveredAt?.toISOString() ?? null,
  attempt_log: r.attemptLog.map((a) => ({ attempt: a.attempt, status_code: a.statusCode, error: a.error, duration_ms: a.durationMs, at: a.at.toISOString() })),
});

type ApiKeyRow = Awaited<ReturnType<ApiKeyService['list']>>[number];

export const apiKeyView = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  hint: k.hint,
  created_at: k.createdAt.toISOString(),
  last_used_at: k.lastUsedAt?.toISOString() ?? null,
  revoked_at: k.revokedAt?.toISOString() ?? null,
});

export const WebhookEndpointCreate = Type.Object(
  {
    // no user or password in it (it would be stored and shown in clear; deliveries are signed instead), no fragment
    url: Type.String({
      format: 'uri',
      pattern: '^https?://[^/?#@]+([/?][^#]*)?$',
      maxLength: 2000,
      description: 'http or https, without a user or password (authenticate deliveries by their signature) and without a fragment',
    }),
    events: Type.Optional(Type.Array(Type.Union(WEBHOOK_EVENTS.map((e) => Type.Literal(e))), { minItems: 1, uniqueItems: true })),
  },
  { additionalProperties: false },
);
