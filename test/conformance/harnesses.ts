// How the conformance suite drives each connector: its stand-in, keys for each case, and one read,
// one list, one write and one search the connector's catalogue must serve. Every connector Linkhub
// registers needs an entry here (the suite fails otherwise).
import { fakepayConnector } from '../fake-connector/connector.js';
import { startFakepayStandin } from '../fake-connector/standin.js';
import { startStripeStandin } from '../stripe-standin/index.js';

/** A call the provider's stand-in received, as the suite needs to see it. */
export interface UpstreamCall {
  method: string;
  path: string;
  /** Last four characters of the key the call carried in the connector's credential header, or null. */
  keyLast4: string | null;
  idempotencyKey: string | null;
}

export interface RunningProvider {
  /** Environment for Linkhub: where this provider's API is (LINKHUB_<KEY>_API_BASE). */
  env: Record<string, string>;
  keys: {
    /** A full-access test-mode key. */
    valid: string;
    /** A live key (refused for the test environment before any call). */
    wrongMode: string;
    /** A key the provider no longer accepts. */
    revoked: string;
    /** A restricted key lacking the permission the live test needs, and that permission's name. */
    lacking: { key: string; permission: string };
  };
  calls(): UpstreamCall[];
  clearCalls(): void;
  /** The next `times` calls fail with a transient 503. */
  failNext(times: number): void;
  close(): Promise<void>;
}

export interface ConnectorHarness {
  start(): Promise<RunningProvider>;
  /** A raw read for the proxy: a path and how to recognise its answer. */
  proxyRead: { path: string; check(data: any): boolean };
  /** A list action (limit 2) with more than two items. */
  list: { action: string; query: Record<string, unknown> };
  /** A write action and a valid input. */
  write: { action: string; body: Record<string, unknown> };
  /** A plain-language query using the connector's vocabulary, and an action it must rank in the top 5. */
  search: { query: string; expect: string };
}

export const harnesses: Record<string, ConnectorHarness> = {
  stripe: {
    async start() {
      const s = await startStripeStandin();
      return {
        env: { LINKHUB_STRIPE_API_BASE: s.url },
        keys: {
          valid: s.keys.secretTest,
          wrongMode: s.keys.secretLive,
          revoked: s.keys.deletedTest,
          lacking: { key: s.keys.restrictedTestNoCustomers, permission: 'rak_customer_read' },
        },
        calls: () =>
          s.log.map((e) => ({ method: e.method, path: e.path, keyLast4: e.authScheme === 'bearer' ? e.keyLast4 : null, idempotencyKey: e.idempotencyKey })),
        clearCalls: () => s.clearLog(),
        failNext: (times) => s.inject({ kind: '503', count: times }),
        close: () => s.close(),
      };
    },
    proxyRead: { path: '/v1/customers?limit=2', check: (d) => d?.object === 'list' && Array.isArray(d.data) },
    list: { action: 'stripe_list_customers', query: { limit: 2 } },
    write: { action: 'stripe_create_customer', body: { email: 'conformance@example.com', metadata: { suite: 'conformance' } } },
    search: { query: 'list my bills', expect: 'stripe_list_invoices' },
  },
  [fakepayConnector.key]: {
    async start() {
      const s = await startFakepayStandin();
      return {
        env: { LINKHUB_FAKEPAY_API_BASE: s.url },
        keys: {
          valid: s.keys.fullTest,
          wrongMode: s.keys.fullLive,
          revoked: s.keys.revokedTest,
          lacking: { key: s.keys.scopedNoMerchant, permission: 'merchant:read' },
        },
        calls: () => s.log.map((e) => ({ method: e.method, path: e.path, keyLast4: e.apiKey?.slice(-4) ?? null, idempotencyKey: e.idempotencyKey })),
        clearCalls: () => void s.log.splice(0),
        failNext: (times) => s.failNext(503, times),
        close: () => s.close(),
      };
    },
    proxyRead: { path: '/api/widgets?limit=2', check: (d) => Array.isArray(d?.items) },
    list: { action: 'fakepay_list_widgets', query: { limit: 2 } },
    write: { action: 'fakepay_create_widget', body: { name: 'Conformance widget', colour: 'green' } },
    search: { query: 'show my gadgets', expect: 'fakepay_list_widgets' },
  },
};
