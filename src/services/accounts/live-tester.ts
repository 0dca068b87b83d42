// Runs a connector's live test (link time, re-test, rotation) through the one upstream client,
// so the key test shares the keep-alive pool of that connector's API with proxy, actions and MCP.
// No retries (the user sees "try again" and decides) except the client's one retry when a reused
// keep-alive connection turns out closed; no throttling unless asked (scheduled re-verification
// goes through the account's throttle, so it never crowds out the account's calls); a precise deadline (an AbortSignal
// timer, not the client's coarse per-attempt timers), since the Hub's user is waiting.
import type { ConnectorDefinition, EnvironmentKey, LiveTestOutcome } from '../../connectors/types.js';
import type { UpstreamClient } from '../../upstream/index.js';
import { contextHeaders } from '../calls/context-headers.js';
import type { CallProfiles } from '../calls/profiles.js';

export class LiveTester {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly profiles: CallProfiles,
    private readonly timeoutMs: number,
  ) {}

  /**
   * `throttle`: through that account's per-account throttle, at the rate of its environment.
   * `context`: the account's context (connectors with one), sent in its header on every request of the test.
   * `traceparent`: the asking request's.
   */
  test(
    connector: ConnectorDefinition,
    key: string,
    throttle?: { accountId: string; environment: EnvironmentKey },
    context?: string | null,
    traceparent?: string,
  ): Promise<LiveTestOutcome> {
    const profile = this.profiles.get(connector);
    const { header, prefix } = connector.api.credential;
    const headers = { ...connector.api.requestHeaders, ...contextHeaders(connector, context) };
    return connector.liveTest(key, {
      get: async (path, credential) => {
        const res = await this.upstream.request({
          base: profile.base,
          method: 'GET',
          path,
          headers,
          credential: { header, value: prefix + credential, secret: credential },
          rules: profile.rules,
          retries: 0,
          traceparent,
          ...(throttle ? { throttleKey: throttle.accountId, throttleRate: profile.rates[throttle.environment] } : {}),
          timeoutMs: this.timeoutMs,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        return { status: res.status, body: res.body };
      },
    });
  }
}
