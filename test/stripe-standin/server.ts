// The stand-in's HTTP server (docs/stripe.md#the-local-stand-in). Per request, in order:
//   fault injection → auth → rate limit → Stripe-Version → Stripe-Context / Stripe-Account → route (404) →
//   restricted-key permission → idempotency → handler; Request-Id, Stripe-Version and
//   Content-Type on every response (docs/stripe.md#stand-in-response-headers).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errors, StripeError } from './errors.js';
import { parseMultipart } from './files.js';
import { parseForm, type Params } from './form.js';
import { matchRoute, type Ctx, type Route } from './handlers.js';
import type { IdempotencyCache, Lookup } from './idempotency.js';
import { keyLast4, maskInvalid, newRequestId, type Mode } from './keys.js';
import type { Faults, RateLimiter } from './limits.js';
import { grants, hasConnect, requirementFor } from './permissions.js';
import type { RequestLog, RequestLogEntry } from './request-log.js';
import type { KeyRecord, World } from './world.js';

export interface ServerState {
  world: World;
  log: RequestLog;
  limiter: RateLimiter;
  faults: Faults;
  idempotency: IdempotencyCache;
  /** Stripe-Version sent when no account is known yet (e.g. on a 401). */
  defaultVersion: string;
}

const VERSION_RE = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;
const MAX_BODY = 1 << 20;
/** A file upload: Stripe's largest file is 16 MB. */
const MAX_UPLOAD = 17 << 20;

/** Headers Stripe sends on every response (besides Request-Id and Stripe-Version). */
const BASE_HEADERS: Readonly<Record<string, string>> = {
  Server: 'nginx',
  'Content-Type': 'application/json',
  'Cache-Control': 'no-cache, no-store',
  'Access-Control-Allow-Credentials': 'true',
  'Access-Control-Allow-Methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers':
    'Request-Id, Stripe-Manage-Version, Stripe-Should-Retry, X-Stripe-External-Auth-Required, X-Stripe-Privileged-Session-Required',
  'Access-Control-Max-Age': '300',
};

interface Reply {
  status: number;
  json: string;
  headers: Record<string, string>;
  replayed?: boolean;
  originalRequest?: string;
}

function errorReply(e: StripeError): Reply {
  return { status: e.status, json: JSON.stringify(e.body), headers: e.headers };
}

function header(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
}

type AuthScheme = RequestLogEntry['authScheme'];

/** Bearer or Basic `key:`; any other Authorization value is taken as the key itself. */
function parseAuth(h: string | undefined): { scheme: AuthScheme; key: string | null } {
  if (h === undefined) return { scheme: 'none', key: null };
  const sp = h.indexOf(' ');
  const scheme = (sp === -1 ? h : h.slice(0, sp)).toLowerCase();
  const rest = sp === -1 ? '' : h.slice(sp + 1).replace(/^ +/, '');
  if (scheme === 'bearer') return { scheme: 'bearer', key: rest };
  if (scheme === 'basic') {
    const decoded = Buffer.from(rest, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return { scheme: 'basic', key: colon === -1 ? decoded : decoded.slice(0, colon) };
  }
  // Unknown scheme: the part after it (or the whole value) is treated as the key.
  return { scheme: 'none', key: rest || h };
}

/** The key record, or the 401 to send (docs/stripe.md#stand-in-authentication). */
function authenticate(world: World, key: string | null): KeyRecord {
  if (key === null) throw errors.noKey();
  if (key === '' || key === 'null') throw errors.emptyKey(key);
  if (/\s/.test(key)) throw errors.keyWithSpace(key);
  const rec = world.getKey(key);
  // Stripe's text for a deleted key is unknown; the invalid-key text is used.
  if (!rec || rec.status === 'deleted') throw errors.invalidKey(key);
  if (rec.status === 'expired') throw errors.expiredKey(key);
  if (rec.kind === 'pk') throw errors.publishableKey();
  return rec;
}

/**
 * The account a Stripe-Context names (docs/stripe-org-keys.md): required with an organization key,
 * whose first segment must be an account of the organization; with another key the first segment is
 * the key's own account or one connected to it. Further segments are connected accounts of the one before.
 */
function contextAccount(world: World, key: KeyRecord, context: string | null): string {
  // an empty header is no header
  if (!context) throw errors.contextRequired();
  const [first, ...rest] = context.split('/');
  const reachable = key.kind === 'org' ? key.organization.includes(first) : first === key.account || world.platformOf(first) === key.account;
  if (!reachable || !world.getAccount(first)) throw errors.accountInvalid(key.secret, first);
  let account = first;
  for (const next of rest) {
    if (!world.getAccount(next) || world.platformOf(next) !== account) throw errors.accountInvalid(key.secret, next);
    account = next;
  }
  return account;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
    });
    req.on('end', () => resolve(size > max ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createStandinServer(state: ServerState): Server {
  const server = createServer((req, res) => {
    handle(state, req, res).catch((err: unknown) => {
      // Only reachable on a bug or a broken socket: answer if still possible.
      if (!res.headersSent && !res.destroyed) {
        const json = JSON.stringify(errors.apiError().body);
        res.writeHead(500, { ...BASE_HEADERS, 'Content-Length': Buffer.byteLength(json) });
        res.end(json);
      }
      if (process.env.STRIPE_STANDIN_DEBUG) console.error('stripe stand-in:', err);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = Date.now();
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const qi = url.indexOf('?');
  const path = qi === -1 ? url : url.slice(0, qi);
  const query: Params = qi === -1 ? {} : parseForm(url.slice(qi + 1));
  const h = req.headers;
  const hasBody = method !== 'GET' && method !== 'HEAD' ? true : h['content-length'] !== undefined || h['transfer-encoding'] !== undefined;
  let body: Params = {};
  let tooLarge = false;
  if (hasBody) {
    const type = h['content-type'] ?? '';
    const multipart = /^multipart\/form-data/i.test(type);
    const raw = await readBody(req, multipart ? MAX_UPLOAD : MAX_BODY);
    if (raw === null) tooLarge = true;
    else if (multipart) body = await parseMultipart(raw, type).catch(() => ({}));
    else body = parseForm(raw.toString('utf8'));
  }

  const requestId = newRequestId();
  const auth = parseAuth(h.authorization);
  const isPost = method === 'POST';
  const idemKey = isPost ? header(h['idempotency-key']) : null;
  const versionHeader = header(h['stripe-version']);
  const stripeAccount = header(h['stripe-account']);
  const stripeContext = header(h['stripe-context']);

  const entry: RequestLogEntry | null = state.log.enabled
    ? {
        at,
        method,
        path,
        query,
        body,
        authScheme: auth.scheme,
        maskedKey: auth.key ? maskInvalid(auth.key) : null,
        keyLast4: auth.key ? keyLast4(auth.key) : null,
        idempotencyKey: idemKey,
        stripeVersion: versionHeader,
        stripeAccount,
        stripeContext,
        traceparent: header(h.traceparent),
        status: 0,
        requestId,
      }
    : null;
  if (entry) state.log.add(entry);

  let version = versionHeader !== null && VERSION_RE.test(versionHeader) ? versionHeader : state.defaultVersion;
  let pendingDelay = 0;
  let reply: Reply;
  let lookup: Lookup | null = null;

  try {
    // Fault injection comes first: it simulates Stripe-side failures regardless of the request.
    const fault = state.faults.take(path);
    if (fault) {
      if (entry) entry.fault = fault.kind;
      switch (fault.kind) {
        case 'reset':
          req.socket.destroy();
          return;
        case 'malformed':
          req.socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}');
          return;
        case 'bad_status':
          req.socket.end('HTTP/1.1 999 Odd\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
          return;
        case 'drip': {
          res.writeHead(200, { 'content-type': 'application/json' });
          const drip = setInterval(() => res.write(' '), 200);
          res.on('close', () => clearInterval(drip));
          return;
        }
        case 'delay':
          pendingDelay = fault.delayMs;
          break;
        case 'lock_timeout':
          throw errors.lockTimeout();
        case '500':
          throw errors.apiError();
        case '503':
          throw errors.unavailable();
        case '409':
          throw errors.conflict();
      }
    }
    if (tooLarge) throw new StripeError(413, { type: 'invalid_request_error', message: 'Request body too large.' });

    const key = authenticate(state.world, auth.key);
    const route: Route | null = matchRoute(method, path);
    const mode: Mode = key.mode;
    if (!state.limiter.take(key.account, mode, route ? route.template : path, route?.search === true)) throw errors.rateLimit();

    if (versionHeader !== null && !VERSION_RE.test(versionHeader)) {
      version = state.world.defaultApiVersion(key.account);
      throw errors.invalidVersion(versionHeader);
    }
    let account = key.account;
    if (key.kind === 'org' || stripeContext) {
      account = contextAccount(state.world, key, stripeContext);
    } else if (stripeAccount !== null) {
      if (key.kind === 'rk' && !hasConnect(key.permissions)) throw errors.restrictedKeyConnect();
      if (stripeAccount !== key.account) {
        if (!state.world.getAccount(stripeAccount) || state.world.platformOf(stripeAccount) !== key.account) {
          throw errors.accountInvalid(key.secret, stripeAccount);
        }
        account = stripeAccount;
      }
    }
    if (versionHeader === null) version = state.world.defaultApiVersion(account);

    if (!route) throw errors.unrecognizedUrl(method, path);

    if (key.kind === 'rk') {
      const need = requirementFor(method, route.template);
      if (need.kind === 'not_for_restricted') throw errors.notForRestrictedKeys(key.secret, account);
      if (need.kind === 'permission' && !grants(key.permissions, need.permission)) {
        throw errors.missingPermission(key.secret, account, need.permission);
      }
    }

    const params: Params = method === 'GET' || method === 'HEAD' ? query : qi === -1 ? body : { ...query, ...body };

    if (idemKey !== null) {
      lookup = state.idempotency.begin(account + '|' + mode, idemKey, method, path, params, requestId);
      if (lookup.kind === 'replay') {
        reply = { status: lookup.status, json: lookup.json, headers: lookup.headers, replayed: true, originalRequest: lookup.originalRequest };
        lookup = null;
        if (pendingDelay) await sleep(pendingDelay);
        return send(res, reply, requestId, version, isPost, idemKey, stripeAccount, entry);
      }
    }

    if (pendingDelay) {
      await sleep(pendingDelay);
      pendingDelay = 0;
    }
    const ctx: Ctx = { world: state.world, key, account, mode, method, path, params, route };
    const result = route.handler(ctx);
    reply = { status: result.status, json: result.json, headers: {} };
    if (lookup?.kind === 'fresh') lookup.commit(reply.status, reply.json, {});
  } catch (err) {
    const e = err instanceof StripeError ? err : new StripeError(500, errors.apiError().fields, errors.apiError().headers, true);
    if (!(err instanceof StripeError) && process.env.STRIPE_STANDIN_DEBUG) console.error('stripe stand-in:', err);
    reply = errorReply(e);
    if (lookup?.kind === 'fresh') {
      if (e.cacheable) lookup.commit(reply.status, reply.json, reply.headers);
      else lookup.release();
    }
  }
  if (pendingDelay) await sleep(pendingDelay);
  if (lookup?.kind === 'fresh') reply.originalRequest = requestId;
  send(res, reply, requestId, version, isPost, idemKey, stripeAccount, entry);
}

function send(
  res: ServerResponse,
  reply: Reply,
  requestId: string,
  version: string,
  isPost: boolean,
  idemKey: string | null,
  stripeAccount: string | null,
  entry: RequestLogEntry | null,
): void {
  const headers: Record<string, string | number> = { ...BASE_HEADERS, 'Request-Id': requestId, 'Stripe-Version': version, ...reply.headers };
  if (isPost) {
    if (idemKey !== null) headers['Idempotency-Key'] = idemKey;
    if (reply.originalRequest) headers['Original-Request'] = reply.originalRequest;
    if (reply.status < 300 && headers['Stripe-Should-Retry'] === undefined) headers['Stripe-Should-Retry'] = 'false';
  }
  if (reply.replayed) headers['Idempotent-Replayed'] = 'true';
  if (stripeAccount !== null) headers['Stripe-Account'] = stripeAccount;
  headers['Content-Length'] = Buffer.byteLength(reply.json);
  if (entry) {
    entry.status = reply.status;
    if (reply.replayed) entry.replayed = true;
  }
  if (res.destroyed) return;
  res.writeHead(reply.status, headers);
  res.end(reply.json);
}
