// MCP tools/list: the full catalogue (tool-mode=all, one tool per action) against the default
// tool-mode=search_execute (two meta tools): time per request (raw JSON-RPC POST and through the
// official SDK client) and the size of the answer an agent puts in its context (bytes, and tokens
// approximated as bytes/4). Figures are printed as ratios within one run; no absolute thresholds.
//   node --import tsx bench/mcp.ts [iterations]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { basic, connectSession, startLinkhub } from '../test/helpers/linkhub.js';
import { startStripeStandin } from '../test/stripe-standin/index.js';

const iterations = Number(process.argv[2] ?? 40);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length };
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;

async function main() {
  const stripe = await startStripeStandin({ log: false });
  const lh = await startLinkhub({ stripeApiBase: stripe.url });
  try {
    const { token } = await connectSession(lh, { origin_owner_id: 'bench', origin_owner_name: 'Bench' });
    const linked = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    if (linked.status !== 201) throw new Error(`link failed: ${linked.status} ${linked.text}`);
    const accountId: string = linked.body.id;

    const url = (mode: string) => `${lh.url}/mcp?tool-mode=${mode}`;
    const headers = { authorization: basic(lh.apiKey), 'x-account-id': accountId, 'content-type': 'application/json', accept: 'application/json' };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const raw = async (mode: string) => {
      const t = performance.now();
      const res = await fetch(url(mode), { method: 'POST', headers, body });
      const text = await res.text();
      const elapsed = performance.now() - t;
      if (res.status !== 200) throw new Error(`tools/list ${mode}: ${res.status} ${text}`);
      return { elapsed, text };
    };

    const modes = ['all', 'search_execute'] as const;
    const results: Record<
      string,
      { cold: number; raw: ReturnType<typeof stats>; sdk: ReturnType<typeof stats>; bytes: number; toolsBytes: number; tools: number }
    > = {};
    for (const mode of modes) {
      const cold = (await raw(mode)).elapsed; // first request: builds and caches the list
      for (let i = 0; i < 5; i++) await raw(mode);
      const times: number[] = [];
      let text = '';
      for (let i = 0; i < iterations; i++) {
        const r = await raw(mode);
        times.push(r.elapsed);
        text = r.text;
      }
      const parsed = JSON.parse(text) as { result: { tools: unknown[] } };

      const client = new Client({ name: 'bench', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url(mode)), {
          requestInit: { headers: { authorization: headers.authorization, 'x-account-id': accountId } },
        }),
      );
      for (let i = 0; i < 3; i++) await client.listTools();
      const sdkTimes: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const t = performance.now();
        await client.listTools();
        sdkTimes.push(performance.now() - t);
      }
      await client.close();

      results[mode] = {
        cold,
        raw: stats(times),
        sdk: stats(sdkTimes),
        bytes: Buffer.byteLength(text),
        toolsBytes: Buffer.byteLength(JSON.stringify(parsed.result.tools)),
        tools: parsed.result.tools.length,
      };
    }

    const a = results.all;
    const b = results.search_execute;
    console.log(`MCP tools/list, ${iterations} iterations per mode (Linkhub on ${lh.services.store.kind}, loopback HTTP)\n`);
    console.log('mode             tools  first req   raw median  raw p95    SDK median  SDK p95    response bytes  ≈tokens');
    for (const mode of modes) {
      const r = results[mode];
      console.log(
        `${mode.padEnd(16)} ${String(r.tools).padStart(5)}  ${ms(r.cold).padStart(9)}  ${ms(r.raw.median).padStart(10)}  ${ms(r.raw.p95).padStart(9)}  ${ms(r.sdk.median).padStart(10)}  ${ms(r.sdk.p95).padStart(9)}  ${String(r.bytes).padStart(14)}  ${String(Math.round(r.bytes / 4)).padStart(7)}`,
      );
    }
    console.log('\nall / search_execute:');
    console.log(`  tools/list time (raw POST, median):   ${ratio(a.raw.median, b.raw.median)}`);
    console.log(`  tools/list time (SDK client, median): ${ratio(a.sdk.median, b.sdk.median)}`);
    console.log(
      `  response size (bytes ≈ tokens):       ${ratio(a.bytes, b.bytes)}  (${a.bytes} vs ${b.bytes} bytes; ≈${Math.round(a.bytes / 4)} vs ≈${Math.round(b.bytes / 4)} tokens)`,
    );
    console.log(`  tools array only:                     ${ratio(a.toolsBytes, b.toolsBytes)}`);
    console.log(`all: first (uncached) request / cached median: ${ratio(a.cold, a.raw.median)}`);
  } finally {
    await lh.close();
    await stripe.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
