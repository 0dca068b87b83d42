// Runs a connector's live test over HTTP against that connector's configured API base,
// one keep-alive pool per base.
import { Pool } from 'undici';
import type { ConnectorDefinition, LiveTestOutcome } from '../connectors/types.js';

export class LiveTester {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly apiBases: Record<string, string>,
    private readonly timeoutMs: number,
  ) {}

  private pool(base: string): Pool {
    let pool = this.pools.get(base);
    if (!pool) {
      pool = new Pool(new URL(base).origin, { connections: 8, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs });
      this.pools.set(base, pool);
    }
    return pool;
  }

  test(connector: ConnectorDefinition, key: string): Promise<LiveTestOutcome> {
    const base = this.apiBases[connector.key];
    if (!base) throw new Error(`no API base configured for connector ${connector.key}`);
    const prefix = new URL(base).pathname.replace(/\/$/, '');
    return connector.liveTest(key, {
      get: async (path, credential) => {
        const res = await this.pool(base).request({
          method: 'GET',
          path: prefix + path,
          headers: { ...connector.requestHeaders, authorization: `Bearer ${credential}`, 'user-agent': 'Linkhub/0.1' },
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.body.text();
        let body: unknown = null;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: the status alone decides */
        }
        return { status: res.statusCode, body };
      },
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}
