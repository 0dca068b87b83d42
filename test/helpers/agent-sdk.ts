// The official stripe SDK pointed at a test's Linkhub with an agent token as its key, and the
// error a call that should be refused raised.
import assert from 'node:assert/strict';
import Stripe from 'stripe';

export function agentSdk(linkhubUrl: string, token: string): Stripe {
  const u = new URL(linkhubUrl);
  return new Stripe(token, { host: u.hostname, port: Number(u.port), protocol: 'http', telemetry: false, maxNetworkRetries: 0 });
}

/** The error `p` rejects with (the SDK's typed error: code, statusCode, raw); fails if it succeeds. */
export async function refusal(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('the call succeeded');
}
