// What the call path needs about a connector, worked out once per connector: where its API is
// (configuration, else the connector's public root), its wire rules for the upstream client, the
// per-account rates by environment (configuration overrides the connector's limits) and the origins
// a caller may name in a proxied `url`.
import type { Config } from '../../config.js';
import type { ConnectorDefinition, EnvironmentKey } from '../../connectors/types.js';
import type { UpstreamRules } from '../../upstream/index.js';

export interface CallProfile {
  connector: ConnectorDefinition;
  /** Where calls go: LINKHUB_<KEY>_API_BASE, else the connector's baseUrl. */
  base: string;
  rules: UpstreamRules;
  rates: Readonly<Record<EnvironmentKey, number>>;
  /** Origins a proxied `url` may name as the API (the public root, also when `base` is a stand-in). */
  aliases: readonly string[];
}

export class CallProfiles {
  private readonly byKey = new Map<string, CallProfile>();

  constructor(private readonly config: Pick<Config, 'apiBases' | 'throttleRates'>) {}

  get(connector: ConnectorDefinition): CallProfile {
    let p = this.byKey.get(connector.key);
    if (p === undefined) {
      const api = connector.api;
      const o = this.config.throttleRates;
      p = Object.freeze({
        connector,
        base: this.config.apiBases[connector.key] ?? api.baseUrl,
        rules: Object.freeze({
          adviceHeader: api.retry.adviceHeader,
          transientAnswer: api.retry.transientAnswer ?? null,
          idempotencyHeader: api.idempotency?.header ?? null,
          requestIdHeader: api.requestIdHeader,
          traceparent: api.acceptsTraceparent,
        }),
        rates: Object.freeze({ production: o.production ?? api.rateLimits.production, test: o.test ?? api.rateLimits.test }),
        aliases: Object.freeze([api.baseUrl]),
      });
      this.byKey.set(connector.key, p);
    }
    return p;
  }

  /** Where an action is sent: its own origin when it has one and the connector is not pointed elsewhere. */
  actionBase(profile: CallProfile, actionBaseUrl: string | undefined): string {
    return actionBaseUrl && profile.base === profile.connector.api.baseUrl ? actionBaseUrl : profile.base;
  }
}
