// The kill -9 scenario of the call log's promise (README: a hard crash loses at most the last
// 100 ms of acknowledged calls), shared by test/kill-loss.test.ts and bench/kill-loss.ts: a real
// Linkhub process answers a steady stream of proxied calls, is SIGKILLed mid-stream, restarts on the
// same store, and every acknowledged call missing from the call log is aged (kill moment minus the
// moment its answer arrived).
import { randomBytes } from 'node:crypto';
import { callApi, type ChildStore, type LinkhubProcess, linkAccount, startLinkhubProcess } from './process.js';

export interface KillLossOptions {
  store: ChildStore;
  /** The Stripe stand-in's URL and a test-mode secret key it knows. */
  stripeUrl: string;
  stripeKey: string;
  /** Concurrent clients, each sending its next call when the last one is answered. */
  clients?: number;
  /** How long the stream runs before the kill, ms. */
  streamMs?: number;
  /** More environment for the process (e.g. a flush interval). */
  env?: Record<string, string>;
}

export interface KillLoss {
  /** Calls answered 200 before the kill. */
  acked: number;
  /** Acknowledged calls found in the call log after the restart. */
  logged: number;
  /** Acknowledged calls missing from it, with their age at the kill (ms), oldest first. */
  lostAges: number[];
  /** The oldest lost call's age at the kill, ms (0 when none was lost). */
  window: number;
  /** The newest acknowledged call's age at the kill, ms (a stalled stream cannot show a loss). */
  lastAck: number;
}

/**
 * Starts the process; again on another port if the free one chosen was taken meanwhile (the stream's
 * own client connections take ephemeral ports by the hundred).
 */
async function start(env: Record<string, string>): Promise<LinkhubProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLinkhubProcess(env);
    } catch (e) {
      if (attempt === 3 || !/EADDRINUSE/.test((e as Error).message)) throw e;
    }
  }
}

/** Runs the scenario once; the process is restarted on `store` to read the log, then stopped. */
export async function killDuringCalls(opts: KillLossOptions): Promise<KillLoss> {
  const apiKey = `lh_test_${randomBytes(24).toString('base64url')}`;
  const env = {
    ...opts.store.env,
    LINKHUB_API_KEY: apiKey,
    LINKHUB_STRIPE_API_BASE: opts.stripeUrl,
    // the stream measures the log, not Stripe's test-mode rate (25/s)
    LINKHUB_THROTTLE_TEST_RPS: '100000',
    ...opts.env,
  };
  const first = await start(env);
  const account = (await linkAccount(first.url, apiKey, opts.stripeKey)).id as string;
  const proxy = () =>
    callApi(first.url, 'POST', '/unified/proxy', {
      key: apiKey,
      headers: { 'x-account-id': account },
      body: { method: 'get', path: '/v1/customers?limit=1' },
    });
  // warm up (first connections, JIT) so the stream is steady when the kill comes
  for (let i = 0; i < 20; i++) await proxy();

  /** Provider request id → when its answer arrived (performance.now()). */
  const acked = new Map<string, number>();
  let stop = false;
  const client = async () => {
    while (!stop) {
      const res = await proxy().catch(() => null);
      const at = performance.now();
      if (stop || res === null) return;
      const id = res.body?.headers?.['request-id'];
      if (res.status !== 200 || typeof id !== 'string') throw new Error(`proxy answered ${res?.status}: ${res?.text.slice(0, 200)}`);
      acked.set(id, at);
    }
  };
  const clients = Array.from({ length: opts.clients ?? 4 }, client);
  await new Promise((r) => setTimeout(r, opts.streamMs ?? 1500));
  // The kill moment is taken just before the signal: a call answered after it is not counted.
  const killedAt = performance.now();
  stop = true;
  first.child.kill('SIGKILL');
  await first.exited;
  await Promise.all(clients);

  const second = await start(env);
  try {
    const logged = new Set<string>();
    for (let next: string | null = ''; next !== null; ) {
      const page = await callApi(second.url, 'GET', `/requests/logs?page_size=200${next ? `&next=${encodeURIComponent(next)}` : ''}`, { key: apiKey });
      if (page.status !== 200) throw new Error(`GET /requests/logs: ${page.status} ${page.text.slice(0, 200)}`);
      for (const row of page.body.data) if (row.provider_request_id) logged.add(row.provider_request_id);
      next = page.body.next ?? null;
    }
    const lostAges = [...acked]
      .filter(([id]) => !logged.has(id))
      .map(([, at]) => killedAt - at)
      .sort((a, b) => b - a);
    const lastAck = killedAt - Math.max(...acked.values());
    return { acked: acked.size, logged: acked.size - lostAges.length, lostAges, window: lostAges[0] ?? 0, lastAck };
  } finally {
    await second.stop();
  }
}
