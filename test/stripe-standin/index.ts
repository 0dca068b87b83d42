// Public API of the local Stripe stand-in: a loopback HTTP server that answers like api.stripe.com
// for the endpoints Linkhub uses (docs/stripe.md#the-local-stand-in). Node built-ins only. All keys
// are random fake keys known only to the stand-in.
import type { AddressInfo } from 'node:net';
import { IdempotencyCache } from './idempotency.js';
import { Faults, RateLimiter, type FaultSpec, type RateLimitConfig } from './limits.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';
import { createStandinServer } from './server.js';
import { World, type SeedOptions } from './world.js';

export type { RequestLogEntry } from './request-log.js';
export type { FaultKind, FaultSpec, RateLimitConfig } from './limits.js';
export type { Access, Permissions } from './permissions.js';
export { World, RESOURCES, toJson, touch } from './world.js';
export type { Account, AddAccountInput, AddKeyInput, KeyRecord, KeyStatus, Store, StripeObject } from './world.js';
export { maskKey, maskInvalid, maskExpired, maskForbidden, generateKey } from './keys.js';
export type { KeyKind, Mode } from './keys.js';

export const MAIN_ACCOUNT_ID = 'acct_1LinkhubMain00';
export const OTHER_ACCOUNT_ID = 'acct_1LinkhubOthr00';
/** API version the accounts are pinned to (applied when a request sends no Stripe-Version). */
export const DEFAULT_API_VERSION = '2025-03-31.basil';

export interface StandinKeys {
  /** sk_ keys of the main account 'acct_1LinkhubMain00'. */
  secretTest: string;
  secretLive: string;
  /** rk_ with read access to customers, charges, payment intents, invoices, subscriptions, products, prices, balance, payouts and events. */
  restrictedTest: string;
  restrictedLive: string;
  /** rk_test_ lacking customer_read (it can read charges). */
  restrictedTestNoCustomers: string;
  /** rk_test_ with customer:'write'. */
  restrictedTestCustomerWrite: string;
  /** rk_test_ key with status 'expired'. */
  expiredTest: string;
  /** sk_test_ key with status 'deleted'. */
  deletedTest: string;
  publishableTest: string;
  publishableLive: string;
  /** sk_test_ of the second account. */
  otherAccountSecretTest: string;
  /** sk_live_ of the second account. */
  otherAccountSecretLive: string;
  /** sk_org_test_ and sk_org_live_ of the organization of both accounts (docs/stripe-org-keys.md): every request needs Stripe-Context. */
  orgTest: string;
  orgLive: string;
}

export interface StripeStandin {
  /** 'http://127.0.0.1:<port>' */
  url: string;
  host: string;
  port: number;
  keys: StandinKeys;
  accounts: { main: { id: string; name: string }; other: { id: string; name: string } };
  world: World;
  /** Live array of logged requests (empty when started with `log: false`). */
  log: RequestLogEntry[];
  clearLog(): void;
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  /** Faults still queued (sum of remaining counts). */
  pendingFaults(): number;
  setRateLimits(l: false | RateLimitConfig): void;
  /** Forget all stored idempotency keys. */
  clearIdempotency(): void;
  /** Options for `new Stripe(key, …)` pointing the SDK here (docs/stripe.md#the-stripe-npm-sdk). */
  sdkOptions(maxNetworkRetries?: number): { host: string; port: number; protocol: 'http'; telemetry: false; maxNetworkRetries: number };
  close(): Promise<void>;
}

export interface StartOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Rate limits; default off so tests are deterministic. `{}` = Stripe's defaults (live 100/s, test 25/s, search 20/s). */
  rateLimits?: false | RateLimitConfig;
  /** Keep a request log (default true; benchmarks pass false). */
  log?: boolean;
  /** Seeding: customers per (account, mode) (default 42), other objects (default 12), fixtures path. */
  seed?: SeedOptions;
}

const READ_ALL = {
  customer: 'read',
  charge: 'read',
  payment_intent: 'read',
  invoice: 'read',
  subscription: 'read',
  product: 'read',
  plan: 'read',
  balance: 'read',
  payout: 'read',
  event: 'read',
} as const;

export async function startStripeStandin(opts: StartOptions = {}): Promise<StripeStandin> {
  const host = opts.host ?? '127.0.0.1';
  const world = new World(opts.seed);
  const main = world.addAccount({
    id: MAIN_ACCOUNT_ID,
    name: 'Linkhub Demo Store',
    email: 'billing@linkhub-demo.example.com',
    country: 'US',
    default_currency: 'usd',
    apiVersion: DEFAULT_API_VERSION,
  });
  const other = world.addAccount({
    id: OTHER_ACCOUNT_ID,
    name: 'Other Test Company Ltd',
    email: 'finance@other-test.example.co.uk',
    country: 'GB',
    default_currency: 'gbp',
    timezone: 'Europe/London',
    apiVersion: DEFAULT_API_VERSION,
  });
  const M = main.id;
  const keys: StandinKeys = {
    secretTest: world.addKey({ kind: 'sk', mode: 'test', account: M }),
    secretLive: world.addKey({ kind: 'sk', mode: 'live', account: M }),
    restrictedTest: world.addKey({ kind: 'rk', mode: 'test', account: M, permissions: READ_ALL }),
    restrictedLive: world.addKey({ kind: 'rk', mode: 'live', account: M, permissions: READ_ALL }),
    restrictedTestNoCustomers: world.addKey({ kind: 'rk', mode: 'test', account: M, permissions: { charge: 'read' } }),
    restrictedTestCustomerWrite: world.addKey({ kind: 'rk', mode: 'test', account: M, permissions: { customer: 'write' } }),
    expiredTest: world.addKey({ kind: 'rk', mode: 'test', account: M, permissions: READ_ALL, status: 'expired' }),
    deletedTest: world.addKey({ kind: 'sk', mode: 'test', account: M, status: 'deleted' }),
    publishableTest: world.addKey({ kind: 'pk', mode: 'test', account: M }),
    publishableLive: world.addKey({ kind: 'pk', mode: 'live', account: M }),
    otherAccountSecretTest: world.addKey({ kind: 'sk', mode: 'test', account: other.id }),
    otherAccountSecretLive: world.addKey({ kind: 'sk', mode: 'live', account: other.id }),
    orgTest: world.addKey({ kind: 'org', mode: 'test', account: M, organization: [M, other.id] }),
    orgLive: world.addKey({ kind: 'org', mode: 'live', account: M, organization: [M, other.id] }),
  };

  const log = new RequestLog(opts.log ?? true);
  const limiter = new RateLimiter(opts.rateLimits ?? false);
  const faults = new Faults();
  const idempotency = new IdempotencyCache();
  const server = createStandinServer({ world, log, limiter, faults, idempotency, defaultVersion: DEFAULT_API_VERSION });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    keys,
    accounts: {
      main: { id: main.id, name: main.business_profile.name ?? '' },
      other: { id: other.id, name: other.business_profile.name ?? '' },
    },
    world,
    log: log.entries,
    clearLog: () => log.clear(),
    inject: (f) => faults.inject(f),
    clearFaults: () => faults.clear(),
    pendingFaults: () => faults.pending,
    setRateLimits: (l) => limiter.set(l),
    clearIdempotency: () => idempotency.clear(),
    sdkOptions: (maxNetworkRetries = 0) => ({ host, port, protocol: 'http', telemetry: false, maxNetworkRetries }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
