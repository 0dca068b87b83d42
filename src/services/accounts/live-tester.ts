// Runs a connector's live test (link time, re-test, rotation) through the one upstream client,
// so the key test shares the keep-alive pool of that connector's API with proxy, actions and MCP.
// No retries (the user sees "try again" and decides) except the client's one retry when a reused
// keep-alive connection turns out closed; no throttling; a precise deadline (an AbortSignal
// timer, not the client's coarse per-attempt timers), since the Hub's user is waiting.
import type { ConnectorDefinition, LiveTestOutcome } from '../../connectors/types.js';
import type { UpstreamClient } from '../../upstream/index.js';

export class LiveTester {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly apiBases: Record<string, string>,
    private readonly timeoutMs: number,
  ) {}

  test(connector: ConnectorDefinition, key: string): Promise<LiveTestOutcome> {
    const base = this.apiBases[connector.key];
    if (!base) throw new Error(`no API base configured for connector ${connector.key}`);
    return connector.liveTest(key, {
      get: async (path, credential) => {
        const res = await this.upstream.request({
          base,
          method: 'GET',
          path,
          headers: connector.requestHeaders,
          bearer: credential,
          retries: 0,
          timeoutMs: this.timeoutMs,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        let body: unknown = null;
        try {
          body = JSON.parse(res.body.toString('utf8'));
        } catch {
          /* not JSON: the status alone decides */
        }
        return { status: res.status, body };
      },
    });
  }
}
