// The one set-up of a test file that talks to Linkhub over HTTP: a Stripe stand-in and a real
// Linkhub (startLinkhub: the same services and app as `npm start`) started before the file's tests
// and closed after them, with the stand-in's request log and injected faults cleared before each
// test so that every test sees only its own calls.
import { after, before, beforeEach } from 'node:test';
import { type Linkhub, startLinkhub, type StartOptions } from './linkhub.js';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/index.js';

export interface Fixture {
  lh: Linkhub;
  stripe: StripeStandin;
}

export interface FixtureOptions extends Omit<StartOptions, 'stripeApiBase'> {
  /** Stand-in options (e.g. `{ log: false }`). */
  standin?: Parameters<typeof startStripeStandin>[0];
}

/**
 * Registers the file's before/after/beforeEach hooks. `ready` runs once both are up (assign them to
 * the file's variables, link the accounts the tests share).
 */
export function useLinkhub(options: FixtureOptions, ready: (f: Fixture) => void | Promise<void>): void {
  let f: Fixture | null = null;
  let stripe: StripeStandin | null = null;
  before(async () => {
    stripe = await startStripeStandin(options.standin);
    const { standin: _standin, ...start } = options;
    f = { stripe, lh: await startLinkhub({ ...start, stripeApiBase: stripe.url }) };
    await ready(f);
  });
  after(async () => {
    await f?.lh.close();
    await stripe?.close();
  });
  beforeEach(() => {
    stripe?.clearLog();
    stripe?.clearFaults();
  });
}
