// Configuration from environment variables, validated once at start-up.
// A bad value throws ConfigError with a one-line message naming the variable.
import { isIP } from 'node:net';
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  masterKey: Buffer | null;
  /** LINKHUB_MASTER_KEY_PREVIOUS (comma-separated): master keys that only unwrap data keys, during a rotation. */
  masterKeyPrevious: Buffer[];
  publicUrl: string;
  adminPassword: string | null;
  /**
   * Where each connector's API is, by connector key, when not its public root: LINKHUB_<KEY>_API_BASE
   * (LINKHUB_STRIPE_API_BASE points Stripe at a stand-in or a gateway).
   */
  apiBases: Record<string, string>;
  apiKey: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** The type of a connect session's organization_id; null: by the client (src/http/platform/client-quirks.ts). */
  organizationIdType: 'string' | 'number' | null;
  logLevel: string;
  /** Timeout of each call to a provider's API, ms (LINKHUB_STRIPE_TIMEOUT_MS). */
  upstreamTimeoutMs: number;
  webhookRetryBaseMs: number;
  /** The deadline of one webhook delivery attempt, answer included (LINKHUB_WEBHOOK_TIMEOUT_MS). */
  webhookTimeoutMs: number;
  /** Per-account request rate towards a provider (req/s) by environment; null = the connector's own limit. */
  throttleRates: { production: number | null; test: number | null };
  /** Calls allowed to wait per account before Linkhub answers 429 itself. */
  throttleMaxQueue: number;
  /** Longest throttle wait accepted (ms) before Linkhub answers 429 itself. */
  throttleMaxWaitMs: number;
  /** Calls per account under way at its provider on this node (the pool holds twice the default): past it they wait as for the throttle. */
  throttleMaxInFlight: number;
  /**
   * Bodies kept (redacted, capped at 4 KB) in the request log: `errors` (default: request bodies always,
   * response bodies only of failed calls), `all` (every response body too) or `none`.
   */
  requestLogBodies: 'all' | 'errors' | 'none';
  /**
   * On PostgreSQL: how often each node checks its caches against the store, ms (the fallback of the
   * change feed when a notification is lost: the worst case of a stale key or API key on another node).
   */
  clusterCheckMs: number;
  /** PostgreSQL: connections in the pool (LINKHUB_DB_POOL_MAX). */
  dbPoolMax: number;
  /** PostgreSQL: longest wait for a connection, new or from the pool, ms (LINKHUB_DB_CONNECT_TIMEOUT_MS). */
  dbConnectTimeoutMs: number;
  /** PostgreSQL: longest statement, ms (LINKHUB_DB_STATEMENT_TIMEOUT_MS); also the client's wait for an answer. */
  dbStatementTimeoutMs: number;
  /** Longest wait for a request's headers, ms (LINKHUB_HTTP_HEADERS_TIMEOUT_MS); then 408. */
  httpHeadersTimeoutMs: number;
  /** Longest wait for a whole request, headers and body, ms (LINKHUB_HTTP_REQUEST_TIMEOUT_MS); then 408. */
  httpRequestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open, ms (LINKHUB_HTTP_KEEP_ALIVE_TIMEOUT_MS). */
  httpKeepAliveTimeoutMs: number;
  /** Client connections a node holds at once (LINKHUB_HTTP_MAX_CONNECTIONS); null = half the open-files limit, at most 10,000. */
  httpMaxConnections: number | null;
  /**
   * Bytes a node holds at once for request bodies being read and provider answers being buffered
   * (LINKHUB_MAX_BUFFERED_BYTES, default 256 MiB); past it a body is refused (503 server_busy) and an
   * answer dropped (503 provider_answer_dropped).
   */
  maxBufferedBytes: number;
  /** SIGTERM to exit at most, ms (LINKHUB_SHUTDOWN_TIMEOUT_MS): in-flight calls drain, then logs and outbox flush. */
  shutdownTimeoutMs: number;
  /**
   * Host header values /mcp answers besides LINKHUB_PUBLIC_URL's host (and localhost names when bound
   * to loopback), lowercase `host` or `host:port` (LINKHUB_ALLOWED_HOSTS, comma-separated): the MCP
   * specification's defence against DNS rebinding.
   */
  allowedHosts: string[];
  /**
   * How often every linked account's key is re-tested against its provider, ms (LINKHUB_VERIFY_INTERVAL:
   * ms or `30m`, `24h`, `7d`; default a day); 0 = never (`0` or `off`).
   */
  verifyIntervalMs: number;
  /**
   * Days the call log and the audit trail are kept (LINKHUB_LOG_RETENTION_DAYS, default 90); older
   * entries are deleted in the background. 0 = kept forever (`0` or `off`).
   */
  logRetentionDays: number;
  /** Browser origins allowed to call /mcp besides LINKHUB_PUBLIC_URL's (LINKHUB_MCP_ALLOWED_ORIGINS, comma-separated). */
  mcpAllowedOrigins: string[];
  /** Bearer token of GET /metrics (LINKHUB_METRICS_TOKEN); null: the route is off (404). */
  metricsToken: string | null;
  /**
   * Which proxies in front of Linkhub are trusted to say the client's address (X-Forwarded-For), which
   * the per-address limits (sign-ins, OAuth registrations) count by (LINKHUB_TRUST_PROXY): false (none:
   * the connection's address) or their addresses and CIDR ranges (and `loopback`, `linklocal`,
   * `uniquelocal`).
   */
  trustProxy: false | string[];
  /**
   * OAuth client ID metadata documents (LINKHUB_OAUTH_CLIENT_DOCUMENTS): a client named by an https URL
   * is described by the document there. `public`: fetched from public addresses only (SSRF); `off`:
   * not taken; or the hosts they may come from, at whatever address (the operator names them).
   */
  clientDocuments: 'public' | 'off' | string[];
}

export class ConfigError extends Error {}

/** A DNS host name: labels of letters, digits and inner hyphens, dot-separated. */
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}

function url(env: Env, name: string, fallback: string | null, protocols: string[]): string | null {
  const v = str(env, name) ?? fallback;
  if (v === null) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(`${name} must be a URL (got an unparsable value)`);
  }
  if (!protocols.includes(u.protocol)) throw new ConfigError(`${name} must use ${protocols.join(' or ')} (got ${u.protocol})`);
  return v.replace(/\/+$/, '');
}

/** A master key: 32 bytes in base64 (the message names the variable, never the value). */
function base64Key(value: string, name: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || Buffer.from(value, 'base64').length !== 32) {
    throw new ConfigError(`${name} must be 32 bytes encoded in base64 (e.g. \`openssl rand -base64 32\`)`);
  }
  return Buffer.from(value, 'base64');
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = str(env, name);
  if (v === null) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${v}")`);
  return Number(v);
}

function optionalInt(env: Env, name: string, min: number, max: number): number | null {
  return str(env, name) === null ? null : int(env, name, 0, min, max);
}

/** LINKHUB_<KEY>_API_BASE for any connector key (the registry is not loaded before the configuration is checked). */
function apiBases(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const m = /^LINKHUB_([A-Z][A-Z0-9]*)_API_BASE$/.exec(name);
    const v = m && url(env, name, null, ['http:', 'https:']);
    if (m && v) out[m[1].toLowerCase()] = v;
  }
  return out;
}

function requestLogBodies(env: Env): Config['requestLogBodies'] {
  const v = str(env, 'LINKHUB_REQUEST_LOG_BODIES') ?? 'errors';
  if (v !== 'all' && v !== 'errors' && v !== 'none') throw new ConfigError('LINKHUB_REQUEST_LOG_BODIES must be "all", "errors" or "none"');
  return v;
}

/** Node refuses a headers timeout longer than the request timeout: so does the configuration. */
function httpTimeouts(env: Env): Pick<Config, 'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs'> {
  const httpHeadersTimeoutMs = int(env, 'LINKHUB_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000);
  const httpRequestTimeoutMs = int(env, 'LINKHUB_HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  if (httpHeadersTimeoutMs > httpRequestTimeoutMs) {
    throw new ConfigError(
      `LINKHUB_HTTP_HEADERS_TIMEOUT_MS (${httpHeadersTimeoutMs}) must not exceed LINKHUB_HTTP_REQUEST_TIMEOUT_MS (${httpRequestTimeoutMs})`,
    );
  }
  // 72 s by default: longer than the idle timeout of the usual load balancers (60 s), which would
  // otherwise send a request on a connection Linkhub is closing.
  const httpKeepAliveTimeoutMs = int(env, 'LINKHUB_HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1000, 600_000);
  return { httpHeadersTimeoutMs, httpRequestTimeoutMs, httpKeepAliveTimeoutMs };
}

export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = str(env, 'HOST') ?? '127.0.0.1';
  if (!isIP(host) && !HOST_NAME.test(host)) {
    throw new ConfigError(`HOST must be an address (127.0.0.1, 0.0.0.0, ::) or a host name (got "${host}")`);
  }
  const dataDir = resolve(str(env, 'LINKHUB_DATA_DIR') ?? './.linkhub');
  const databaseUrl = url(env, 'DATABASE_URL', null, ['postgres:', 'postgresql:']);

  let masterKey: Buffer | null = null;
  const mk = str(env, 'LINKHUB_MASTER_KEY');
  if (mk !== null) {
    masterKey = base64Key(mk, 'LINKHUB_MASTER_KEY');
  } else if (databaseUrl !== null) {
    throw new ConfigError('LINKHUB_MASTER_KEY is required with DATABASE_URL (base64 of 32 random bytes); it is generated only for the embedded store');
  }

  const masterKeyPrevious = (str(env, 'LINKHUB_MASTER_KEY_PREVIOUS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k, i) => base64Key(k, `LINKHUB_MASTER_KEY_PREVIOUS (entry ${i + 1})`));

  const displayHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const publicUrl = url(env, 'LINKHUB_PUBLIC_URL', `http://${displayHost}:${port}`, ['http:', 'https:'])!;
  // Linkhub is served at the root of its own host: the Hub's and Dashboard's pages, the OAuth pages and
  // metadata (RFC 8414 puts the issuer's path after /.well-known/) all name root paths, so a prefix
  // would half work (linking and /mcp answer, the Dashboard's assets and OAuth sign-in do not).
  const pub = new URL(publicUrl);
  if (pub.pathname !== '/' || pub.search || pub.hash || pub.username || pub.password) {
    throw new ConfigError(
      `LINKHUB_PUBLIC_URL must be an origin, scheme://host[:port], with no path, query or user: Linkhub is served at the root of its own host name (got ${pub.protocol}//${pub.host}${pub.pathname === '/' ? '' : ' with a path'}${pub.search || pub.hash ? ' with a query or fragment' : ''}${pub.username ? ' with a user' : ''})`,
    );
  }

  const adminPassword = str(env, 'LINKHUB_ADMIN_PASSWORD');
  if (adminPassword !== null && adminPassword.length < 8) throw new ConfigError('LINKHUB_ADMIN_PASSWORD must be at least 8 characters');

  const apiKey = str(env, 'LINKHUB_API_KEY');
  if (apiKey !== null && !/^[\x21-\x7e]{24,200}$/.test(apiKey)) {
    throw new ConfigError('LINKHUB_API_KEY must be 24 to 200 printable characters without spaces');
  }

  const metricsToken = str(env, 'LINKHUB_METRICS_TOKEN');
  if (metricsToken !== null && !/^[\x21-\x7e]{16,200}$/.test(metricsToken)) {
    throw new ConfigError('LINKHUB_METRICS_TOKEN must be 16 to 200 printable characters without spaces');
  }

  const webhookUrl = url(env, 'LINKHUB_WEBHOOK_URL', null, ['http:', 'https:']);
  // a password in it would be stored and shown in clear: the receiver checks the signature instead
  if (webhookUrl !== null && (new URL(webhookUrl).username !== '' || new URL(webhookUrl).password !== '')) {
    throw new ConfigError('LINKHUB_WEBHOOK_URL must not carry a user or password: check the deliveries by their signature (x-stackone-signature)');
  }
  const webhookSecret = str(env, 'LINKHUB_WEBHOOK_SECRET');
  if (webhookSecret !== null && webhookSecret.length < 16) throw new ConfigError('LINKHUB_WEBHOOK_SECRET must be at least 16 characters');

  const orgType = str(env, 'LINKHUB_ORGANIZATION_ID_TYPE');
  if (orgType !== null && orgType !== 'string' && orgType !== 'number') throw new ConfigError('LINKHUB_ORGANIZATION_ID_TYPE must be "string" or "number"');

  const logLevel = str(env, 'LINKHUB_LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LINKHUB_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
  }

  return {
    trustProxy: trustProxy(env),
    clientDocuments: clientDocuments(env),
    port,
    host,
    dataDir,
    databaseUrl,
    masterKey,
    masterKeyPrevious,
    // as browsers and clients spell it (scheme and host lower-case, no default port): the cookie's
    // Secure flag, the OAuth issuer and the resource a client names are compared with it
    publicUrl: pub.origin,
    adminPassword,
    apiBases: apiBases(env),
    apiKey,
    metricsToken,
    webhookUrl,
    webhookSecret,
    organizationIdType: orgType,
    logLevel,
    upstreamTimeoutMs: int(env, 'LINKHUB_STRIPE_TIMEOUT_MS', 10000, 100, 120000),
    webhookRetryBaseMs: int(env, 'LINKHUB_WEBHOOK_RETRY_BASE_MS', 2000, 10, 3600000),
    webhookTimeoutMs: int(env, 'LINKHUB_WEBHOOK_TIMEOUT_MS', 10000, 100, 120000),
    throttleRates: {
      production: optionalInt(env, 'LINKHUB_THROTTLE_LIVE_RPS', 1, 1_000_000),
      test: optionalInt(env, 'LINKHUB_THROTTLE_TEST_RPS', 1, 1_000_000),
    },
    throttleMaxQueue: int(env, 'LINKHUB_THROTTLE_MAX_QUEUE', 200, 0, 100_000),
    throttleMaxWaitMs: int(env, 'LINKHUB_THROTTLE_MAX_WAIT_MS', 10_000, 0, 600_000),
    throttleMaxInFlight: int(env, 'LINKHUB_THROTTLE_MAX_IN_FLIGHT', 64, 1, 100_000),
    requestLogBodies: requestLogBodies(env),
    clusterCheckMs: int(env, 'LINKHUB_CLUSTER_CHECK_MS', 500, 50, 60_000),
    dbPoolMax: int(env, 'LINKHUB_DB_POOL_MAX', 10, 1, 1000),
    dbConnectTimeoutMs: int(env, 'LINKHUB_DB_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    dbStatementTimeoutMs: int(env, 'LINKHUB_DB_STATEMENT_TIMEOUT_MS', 5000, 100, 3_600_000),
    ...httpTimeouts(env),
    httpMaxConnections: optionalInt(env, 'LINKHUB_HTTP_MAX_CONNECTIONS', 1, 1_000_000),
    maxBufferedBytes: int(env, 'LINKHUB_MAX_BUFFERED_BYTES', 256 * 1024 * 1024, 64 * 1024, 2 ** 40),
    shutdownTimeoutMs: int(env, 'LINKHUB_SHUTDOWN_TIMEOUT_MS', 10_000, 1000, 600_000),
    verifyIntervalMs: verifyInterval(env),
    logRetentionDays: retentionDays(env),
    allowedHosts: list(env, 'LINKHUB_ALLOWED_HOSTS').map((h) => {
      if (!/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/.test(h)) throw new ConfigError(`LINKHUB_ALLOWED_HOSTS: "${h}" is not a host or host:port`);
      return h;
    }),
    mcpAllowedOrigins: list(env, 'LINKHUB_MCP_ALLOWED_ORIGINS').map((o) => {
      let u: URL | null = null;
      try {
        u = new URL(o);
      } catch {
        /* refused below */
      }
      if (!u || !['http:', 'https:'].includes(u.protocol) || u.origin !== o.replace(/\/+$/, '')) {
        throw new ConfigError(`LINKHUB_MCP_ALLOWED_ORIGINS: "${o}" is not an origin (scheme://host[:port])`);
      }
      return u.origin;
    }),
  };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration: milliseconds, or a number with ms, s, m, h or d (`30m`, `24h`, `7d`); NaN when it is none. */
export function parseDuration(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v.trim().toLowerCase());
  return m ? Number(m[1]) * UNIT_MS[m[2] ?? 'ms'] : Number.NaN;
}

/** LINKHUB_VERIFY_INTERVAL: milliseconds, or a number with a unit (ms, s, m, h, d); `0` or `off` switches it off. */
function verifyInterval(env: Env): number {
  const name = 'LINKHUB_VERIFY_INTERVAL';
  const v = str(env, name)?.toLowerCase() ?? '24h';
  const ms = parseDuration(v);
  if (v === 'off' || ms === 0) return 0;
  if (!(ms >= 1000 && ms <= 365 * 86_400_000)) {
    throw new ConfigError(`${name} must be a duration from 1s to 365d: milliseconds or a number with ms, s, m, h or d (e.g. 24h), or "off" (got "${v}")`);
  }
  return ms;
}

/** LINKHUB_LOG_RETENTION_DAYS: whole days up to 100 years; `0` or `off` keeps everything. */
function retentionDays(env: Env): number {
  const v = str(env, 'LINKHUB_LOG_RETENTION_DAYS')?.toLowerCase() ?? null;
  if (v === 'off') return 0;
  if (v !== null && !/^\d+$/.test(v)) {
    throw new ConfigError(`LINKHUB_LOG_RETENTION_DAYS must be a whole number of days (0 or "off" keeps the logs forever) (got "${v}")`);
  }
  return int(env, 'LINKHUB_LOG_RETENTION_DAYS', 90, 0, 36_500);
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * LINKHUB_TRUST_PROXY: the proxies' addresses or CIDR ranges, comma-separated. Not `true` nor a number
 * of hops: trusting a hop that is not known lets any client that reaches Linkhub directly name its own
 * address, and so escape the per-address limits (Fastify itself refuses hop counts for that reason).
 */
function trustProxy(env: Env): false | string[] {
  const name = 'LINKHUB_TRUST_PROXY';
  const v = str(env, name)?.trim().toLowerCase() ?? null;
  if (v === null || v === '' || v === 'false') return false;
  const entries = list(env, name);
  for (const e of entries) {
    const [addr, bits, extra] = e.split('/');
    const family = isIP(addr);
    // a /0 range is every address: `true` by another name
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) > 0 && Number(bits) <= (family === 6 ? 128 : 32));
    if (!(PROXY_NAMES.has(e) || (family !== 0 && okBits && extra === undefined))) {
      throw new ConfigError(
        `${name} must be the proxies' addresses or CIDR ranges, comma-separated (e.g. 10.0.0.0/8,127.0.0.1), or loopback, linklocal, uniquelocal (got "${e}")`,
      );
    }
  }
  return entries;
}

/** LINKHUB_OAUTH_CLIENT_DOCUMENTS: `public` (the default), `off`, or host names (comma-separated). */
function clientDocuments(env: Env): 'public' | 'off' | string[] {
  const name = 'LINKHUB_OAUTH_CLIENT_DOCUMENTS';
  const hosts = list(env, name);
  if (hosts.length === 0 || (hosts.length === 1 && hosts[0] === 'public')) return 'public';
  if (hosts.length === 1 && hosts[0] === 'off') return 'off';
  for (const h of hosts) {
    if (!HOST_NAME.test(h) || ['public', 'off'].includes(h)) {
      throw new ConfigError(`${name} must be "public", "off" or host names, comma-separated (e.g. claude.ai,vscode.dev) (got "${h}")`);
    }
  }
  return hosts;
}

/** A comma-separated list, lowercase, empty entries dropped. */
function list(env: Env, name: string): string[] {
  return (str(env, name) ?? '')
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
}
