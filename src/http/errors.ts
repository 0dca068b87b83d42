// Every 4xx/5xx leaves Linkhub as {statusCode, message, timestamp} (StackOne's error body) plus
// `code` and the documented extras of its catalogue entry (docs/errors.md). Errors are raised with
// fail() (src/errors/fail.ts); this file is the one place that renders them, and the one place that
// maps the framework's own errors (validation, body parsing, unknown routes) onto the catalogue.
import { type IncomingMessage, type Server, STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { connectors } from '../connectors/registry.js';
import type { ConnectorAgentSupport } from '../connectors/types.js';
import { type ErrorName, errorEntry } from '../errors/catalogue.js';
import { fail, LinkhubError } from '../errors/fail.js';
import { maskSecrets } from '../services/logs/redaction.js';
import { isStoreUnavailable } from '../store/failures.js';
import { redactUrl } from './logger.js';
import { targetPath } from './request-target.js';

export function errorBody(err: LinkhubError) {
  return { statusCode: err.statusCode, message: err.message, timestamp: new Date().toISOString(), code: err.code, ...err.extra };
}

/** Seconds a client should wait on Linkhub's own retryable 503s that carry no retry_after_ms (a full budget of buffered bytes empties within a moment). */
const RETRY_AFTER_S: Partial<Record<ErrorName, number>> = { store_unavailable: 2, shutting_down: 2, server_busy: 1, provider_answer_dropped: 1 };

/** Sets Retry-After on Linkhub's own retryable answers that say when to come back. */
export function retryAfter(reply: FastifyReply, err: LinkhubError): void {
  const ms = err.extra.retry_after_ms;
  const seconds = typeof ms === 'number' ? Math.max(1, Math.ceil(ms / 1000)) : RETRY_AFTER_S[err.entry];
  if (seconds !== undefined) reply.header('retry-after', String(seconds));
}

let prefixes: Map<string, ConnectorAgentSupport> | null = null;

/** The providers' own API path prefixes (`/v1/`) and whose they are: the first connector that serves a prefix. */
export function nativePrefixes(): ReadonlyMap<string, ConnectorAgentSupport> {
  if (!prefixes) {
    prefixes = new Map();
    for (const c of connectors()) for (const p of c.agents?.nativePrefixes ?? []) if (c.agents && !prefixes.has(p)) prefixes.set(p, c.agents);
  }
  return prefixes;
}

/**
 * The provider whose own API paths (`/v1/…`, and `/v1` itself) a URL is under: Linkhub's refusals
 * there (its route's, a path no method serves, a malformed URL) take the provider's error shape, so
 * its SDK raises the right exception (connector.agents.nativeError).
 */
export function nativeAgentsOf(url: string): ConnectorAgentSupport | undefined {
  for (const [prefix, agents] of nativePrefixes()) {
    if (url.startsWith(prefix)) return agents;
    const bare = prefix.slice(0, -1);
    if (url.startsWith(bare) && (url.length === bare.length || url[bare.length] === '?')) return agents;
  }
  return undefined;
}

/**
 * An error in Linkhub's shape plus a JSON-RPC error, for StackOne's SDK and generic MCP clients alike:
 * -32602 (invalid params) for Linkhub's 400s unless the transport gave its own code.
 */
export function jsonRpcError(err: LinkhubError, rpc: { code?: number; id?: unknown } = {}) {
  const code = rpc.code ?? (err.statusCode === 400 ? -32602 : -32000);
  return { ...errorBody(err), jsonrpc: '2.0', error: { code, message: err.message }, id: rpc.id ?? null };
}

/** The body of an error answer to `url`: Linkhub's shape, or the provider's under its own API paths. */
export function errorPayload(err: LinkhubError, url: string) {
  // OAuth clients read `error` and `error_description` (RFC 6749, section 5.2), whatever refused them
  if (url.startsWith('/oauth/'))
    return { error: err.statusCode >= 500 ? 'server_error' : 'invalid_request', error_description: err.message, ...errorBody(err) };
  // MCP clients read a JSON-RPC error, whatever refused them (the parser, a body too large, the transport)
  if (url === '/mcp' || url.startsWith('/mcp?') || url.startsWith('/mcp/')) return jsonRpcError(err);
  const agents = nativeAgentsOf(url);
  // Linkhub's documented fields (statusCode, timestamp, extras) ride along inside the provider's shape
  return agents ? agents.nativeError(err.statusCode, err.code, err.message, errorBody(err)) : errorBody(err);
}

/** The provider's retry advice on a refusal: a call held for a person is not to be sent again by itself. */
const shouldRetry = (err: LinkhubError): 'true' | 'false' => (err.extra.retryable === true && !errorEntry(err.entry).awaitsPerson ? 'true' : 'false');

export function sendError(reply: FastifyReply, err: LinkhubError) {
  retryAfter(reply, err);
  // refused before its body was read (authentication, a Content-Length over the limit): Node would read
  // and drop the whole body to keep the connection, which an unknown client could go on sending; closed
  const raw = reply.request.raw;
  if (!raw.complete && (raw.headers['content-length'] !== undefined || raw.headers['transfer-encoding'] !== undefined)) reply.header('connection', 'close');
  const agents = nativeAgentsOf(reply.request.url);
  if (agents?.retryAdviceHeader) reply.header(agents.retryAdviceHeader, shouldRetry(err));
  if (agents?.requestIdHeader) reply.header(agents.requestIdHeader, reply.request.id);
  return reply.code(err.statusCode).type('application/json').send(errorPayload(err, reply.request.url));
}

/** Fastify's body-parsing errors, by their code. */
const PARSING = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_json_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
} as const;

/** A schema validation failure: the first problem, naming its field (`body.origin_owner_id is required`). */
function validationFailure(fe: FastifyError): LinkhubError {
  const where = fe.validationContext ?? 'request';
  const first = fe.validation?.[0];
  const path = first?.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : '';
  const params = (first?.params ?? {}) as Record<string, string | undefined>;
  const named = (p: 'missingProperty' | 'additionalProperty') => [path, params[p]].filter(Boolean).join('.');
  // a choice of constants (a union of literals) fails once per constant: they are the values allowed
  const allowed = (fe.validation ?? []).filter((e) => e.keyword === 'const' && e.instancePath === first?.instancePath).map((e) => e.params.allowedValue);
  const [field, problem] =
    first?.keyword === 'required'
      ? [named('missingProperty'), 'is required']
      : first?.keyword === 'additionalProperties'
        ? [named('additionalProperty'), 'is not a known field']
        : first?.keyword === 'const' && allowed.length > 1
          ? [path, `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`]
          : where === 'body' && !path && first?.keyword === 'type'
            ? [path, `must be a JSON ${first.params.type} (the request sent none, or another JSON value)`]
            : [path, first?.message ?? 'is invalid'];
  return fail('invalid_input', { field: field ? `${where}.${field}` : where, problem }, { field: field || null });
}

/** The catalogue error for anything a handler or hook threw; null for an unexpected failure. */
function toLinkhubError(err: Error): LinkhubError | null {
  if (err instanceof LinkhubError) return err;
  if (isStoreUnavailable(err)) return fail('store_unavailable');
  const fe = err as FastifyError;
  if (fe.validation) return validationFailure(fe);
  const parsing = fe.code ? PARSING[fe.code as keyof typeof PARSING] : undefined;
  if (parsing) return fail(parsing);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return fail('bad_request', { message: fe.message });
  return null;
}

/** Router-level failures (Fastify's frameworkErrors): an over-long path parameter, a malformed URL. */
export const routerFailure = (err: FastifyError): LinkhubError => fail(err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'path_parameter_too_long' : 'malformed_url');

/** An error answer to `url` written straight to a socket, closing it (no request object to answer on). */
function writeToSocket(socket: Socket, failure: LinkhubError, url = ''): void {
  const body = JSON.stringify(errorPayload(failure, url));
  const advice = nativeAgentsOf(url)?.retryAdviceHeader;
  const adviceLine = advice ? `${advice}: ${shouldRetry(failure)}\r\n` : '';
  const head = `HTTP/1.1 ${failure.statusCode} ${STATUS_CODES[failure.statusCode]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\n${adviceLine}Connection: close\r\n\r\n`;
  if (socket.writable) socket.write(head + body);
}

/** A request line's method and target, in origin or absolute form (RFC 9112, section 3). */
const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32} ((?:https?:\/\/[^/\s]{0,255})?\/[^\s]{0,2048}) /i;

/**
 * The path of a request Node's server refused, so that the answer takes that path's shape: the
 * request whose body the timeout cut off, or a request line at the head of the bytes refused.
 * Node keeps no request line of a request that arrived in several packets and is refused in its
 * headers (a header too large, over a slow network): that one is answered in Linkhub's shape.
 */
function refusedPath(err: { rawPacket?: unknown }, socket: Socket): string {
  // the parser keeps the last request it read: it is the one refused only while it is still arriving
  const incoming = (socket as Socket & { parser?: { incoming?: { url?: unknown; complete?: boolean } | null } }).parser?.incoming;
  if (incoming && !incoming.complete && typeof incoming.url === 'string') return targetPath(incoming.url);
  const head = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.subarray(0, 2100).toString('latin1') : '';
  return targetPath(REQUEST_LINE.exec(head)?.[1] ?? '');
}

/** Sockets refused already: more bytes to a parser in error may report it again. */
const refused = new WeakSet<Socket>();

type Answer = ServerResponse & { req?: IncomingMessage };
const attached = (socket: Socket): Answer | null => (socket as Socket & { _httpMessage?: Answer | null })._httpMessage ?? null;

/**
 * Runs `then` once the answers of every request read before the bad bytes have been sent. The answer
 * on the socket has not finished yet: at its 'finish', Node's own listener (added when the answer was
 * made, so run first) takes it off the socket and puts the next pipelined answer on; none left, none
 * is on. So each is waited for in turn, at no cost to the requests of a connection that stays sound.
 */
function afterAnswers(socket: Socket, then: () => void): void {
  const res = attached(socket);
  if (res) res.once('finish', () => afterAnswers(socket, then));
  else then();
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (Fastify's clientErrorHandler), and
 * those cut off by the headers or request timeout: the same body, written to the socket, instead
 * of Fastify's default `{error, message, statusCode}`.
 */
export function clientErrorHandler(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return; // nobody is left to answer
  if (refused.has(socket)) {
    // refused already, its answers still going out: a request that then stalls ends the connection
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') socket.destroy(err);
    return;
  }
  refused.add(socket);
  const failure =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? fail('request_timeout')
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? fail('headers_too_large')
        : fail('bad_request', { message: 'Malformed HTTP request' });
  const path = refusedPath(err, socket);
  const inFlight = attached(socket);
  const reading = (socket as Socket & { parser?: { incoming?: IncomingMessage | null } }).parser?.incoming;
  // Bad bytes after whole requests (sent in the same packet, or pipelined): those are being handled
  // and may change something, so their answers go first, in order, then this refusal, then the close.
  // Node's own handler drops them, and the client would take a write that happened for a failure.
  // Not when the bad bytes are inside a request's body: that request can never be answered.
  if (inFlight && (!reading || reading.complete) && err.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
    // the bad bytes' own path is not known: the refusal takes the shape of the last request before them
    const lastPath = typeof reading?.url === 'string' ? targetPath(reading.url) : path;
    afterAnswers(socket, () => {
      if (socket.destroyed) return;
      writeToSocket(socket, failure, lastPath);
      socket.end();
    });
    return;
  }
  // An answer already under way on this socket (a timeout after the handler replied): bytes of
  // another answer would corrupt it, so the connection is only closed.
  if (!inFlight?.headersSent) writeToSocket(socket, failure, path);
  socket.destroy(err);
}

/**
 * What Node's HTTP server would answer by itself, outside the error shape: an Expect other than
 * 100-continue (417 with no body) and CONNECT (the socket dropped without a word). A missing Host
 * (Node's bare 400) is refused by the onRequest hook instead (requireHostHeader is off).
 */
export function installServerEdges(server: Server): void {
  // A client that ends its side after its requests (`nc -N`, one-shot clients) is answered, then closed:
  // by default Node aborts the requests it is still handling and drops their answers, though a write
  // they made has happened. Node marks the last answer as the connection's last, so nothing lingers.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true; // not in @types/node
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const failure = fail('expectation_failed', { expect: maskSecrets(String(req.headers.expect ?? '').slice(0, 100)) });
    const body = JSON.stringify(errorPayload(failure, targetPath(req.url ?? '')));
    res.writeHead(failure.statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
  });
  // `Expect: 100-continue` is answered when a route starts reading the body: after authentication and
  // the size check, so a refused request is refused before its body is sent (Node's default sends the
  // 100 at once). Node closes the connection after a final answer given without the 100.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const body = req as IncomingMessage & { _read(size: number): void };
    const read = body._read;
    body._read = function continueThenRead(this: IncomingMessage, size: number) {
      body._read = read;
      if (!res.headersSent) res.writeContinue(); // not when a refusal, sent, lets Node discard the body
      read.call(this, size);
    };
    server.emit('request', req, res);
  });
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    writeToSocket(socket, fail('connect_not_supported'));
    socket.end();
  });
}

/**
 * HTTP/1.1 requires one Host (RFC 9112, section 3.2): Node's own refusal of a missing one has no body,
 * and of two it keeps the first, which the /mcp host check would read while a proxy may route by the other.
 */
export function hostProblem(request: FastifyRequest): LinkhubError | null {
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
    return fail('bad_request', { message: 'Missing Host header: HTTP/1.1 requires one' });
  }
  const raw = request.raw.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]; // as sent: `Host` or `host` but for odd clients, so no lowercased copy per request
    if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host') && ++hosts > 1) {
      return fail('bad_request', { message: 'More than one Host header' });
    }
  }
  return null;
}

function rootCause(err: Error): string {
  let e: Error = err;
  while (e.cause instanceof Error) e = e.cause;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${e.message}` : e.message;
}

/**
 * An unexpected error as the server log keeps it. A failed query (drizzle's wrapper, which carries
 * `query` and `params`) is logged as its SQL and its driver's cause: its message and the head of its
 * stack list the parameters, which may be a caller's body or a held request.
 */
function unexpected(err: Error): { type: string; message: string; stack?: string; cause?: string } {
  const q = err as { query?: unknown; params?: unknown };
  if (typeof q.query !== 'string' || !('params' in q)) return { type: err.name, message: err.message, stack: err.stack };
  const frames = err.stack?.split('\n').filter((line) => line.startsWith('    at '));
  return { type: err.name, message: `Failed query: ${q.query}`, stack: frames?.join('\n'), cause: rootCause(err) };
}

/** What an answer says about any error a handler or hook threw (unexpected ones logged, answered as internal_error). */
export function answerFor(err: FastifyError | Error, request: FastifyRequest): LinkhubError {
  // The client went away before its body was in (its socket reset): nobody reads this answer, and the
  // reset is not the store's (whose network errors have the same code).
  if (!request.raw.complete && request.raw.destroyed && (err as { code?: unknown }).code === 'ECONNRESET') {
    return fail('bad_request', { message: 'the request was cut off by the client' });
  }
  const known = toLinkhubError(err);
  if (!known) {
    request.log.error({ err: unexpected(err) }, 'unhandled error');
    return fail('internal_error');
  }
  // a body refused for a full budget is counted (metrics) and in the request's line: a flood of them is not a flood of errors
  if (known.statusCode >= 500 && known.entry !== 'server_busy') {
    // The driver's own words (the deepest cause: a refused connection, a timeout) go to the server
    // log, not the answer; never drizzle's wrapper, whose message lists the query's parameters.
    const cause = known.entry === 'store_unavailable' && !(err instanceof LinkhubError) ? rootCause(err) : undefined;
    request.log.error({ statusCode: known.statusCode, code: known.code, cause }, known.message);
  }
  return known;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => sendError(reply, answerFor(err, request)));
  app.setNotFoundHandler((request, reply) => sendError(reply, routeNotFound(request)));
}

/** 404 for a path no route serves; the path is echoed as logged (a key pasted into a URL is masked). */
export function routeNotFound(request: FastifyRequest): LinkhubError {
  return fail('route_not_found', { method: request.method, path: redactUrl(request.url.split('?')[0]) });
}
