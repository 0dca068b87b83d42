// Request bodies counted against the node's budget of buffered bytes (src/upstream/byte-budget.ts,
// LINKHUB_MAX_BUFFERED_BYTES), on the routes that read one: a body that would take the node over it
// is refused at once, before it is read (503 server_busy, Retry-After: 1, in the shape of its path:
// the provider's on its own API paths), and the connection is closed (sendError) so the rest of it
// is never read. Before, 100 bodies of 16 MB to the provider's own paths held ~1.6 GB.
//
// A body with a Content-Length holds that many bytes from its preParsing hook on: one add, no stream
// (a body the route would refuse as too large is left to that refusal, unread). A chunked body is
// counted chunk by chunk as it arrives (a Transform, on that rare path only). Requests without a body
// pay nothing: routes serving only GET and HEAD have no hook, and on the others a request without a
// body returns after two header reads.
//
// The bytes are given back when the answer is sent (the onSend hook, release()): Fastify runs it for
// every request whose hook ran, also when the client goes away mid-body (a 400 nobody reads), after
// its body (the handler's answer, never written), or a pipelined request's answer waits behind
// another; onResponse and the answer's 'close' miss some of those. The handler has ended by then, so
// the body is no longer used. Each taking is given back once: the field is zeroed as it is.
import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyRequest, preParsingHookHandler, RouteOptions } from 'fastify';
import { fail } from '../errors/fail.js';
import type { Metrics } from '../services/metrics/metrics.js';
import type { ByteBudget } from '../upstream/byte-budget.js';
import { sendError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Bytes of this request's body (its Content-Length) held against the node's budget; 0 when none. */
    bodyHold: number;
    /** A chunked body's counter, null otherwise. */
    bodyCounter: ChunkCounter | null;
  }
}

const refusal = () => fail('server_busy', { reason: 'request_body' }, { reason: 'request_body' });

/** A chunked body on its way to the parser, counted against the budget chunk by chunk. */
class ChunkCounter extends Transform {
  private held = 0;
  private released = false;

  constructor(
    private readonly budget: ByteBudget,
    private readonly refused: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.released)
      callback(null, chunk); // answered already: nobody keeps it
    else if (this.budget.take(chunk.length)) {
      this.held += chunk.length;
      callback(null, chunk);
    } else {
      this.refused();
      callback(refusal());
    }
  }

  release(): void {
    this.released = true;
    this.budget.release(this.held);
    this.held = 0;
  }
}

/** Whether a route may read a body: Fastify reads none for GET and HEAD. */
const readsBody = (method: RouteOptions['method']): boolean => (Array.isArray(method) ? method : [method]).some((m) => m !== 'GET' && m !== 'HEAD');

/**
 * Installs the count on every route registered after it (call it before the routes), and returns
 * what gives a request's bytes back, for the app's onSend hook.
 */
export function installBodyBudget(app: FastifyInstance, budget: ByteBudget, metrics: Metrics): (request: FastifyRequest) => void {
  app.decorateRequest('bodyHold', 0);
  app.decorateRequest('bodyCounter', null);
  const refused = () => metrics.bufferRefused('request_body');

  const count: preParsingHookHandler = (request, reply, payload, done) => {
    const h = request.headers;
    const length = h['content-length'];
    if (length !== undefined) {
      const n = Number(length);
      if (n === 0 || n > request.routeOptions.bodyLimit) return done(null, payload);
      if (!budget.take(n)) {
        refused();
        return void sendError(reply, refusal());
      }
      request.bodyHold = n;
      return done(null, payload);
    }
    if (h['transfer-encoding'] === undefined) return done(null, payload);
    const counter = new ChunkCounter(budget, refused);
    request.bodyCounter = counter;
    // the client going away mid-body ends the count too (the parser then answers, and onSend releases)
    const cut = (err?: Error) => counter.destroy(err ?? new Error('the request was cut off by the client'));
    payload.on('error', cut);
    payload.on('aborted', cut);
    done(null, payload.pipe(counter));
  };

  app.addHook('onRoute', (route) => {
    if (!readsBody(route.method)) return;
    const own = route.preParsing;
    route.preParsing = own === undefined ? [count] : Array.isArray(own) ? [...own, count] : [own, count];
  });

  return (request) => {
    const n = request.bodyHold;
    if (n !== 0) {
      request.bodyHold = 0;
      budget.release(n);
    }
    const counter = request.bodyCounter;
    if (counter !== null) {
      request.bodyCounter = null;
      counter.release();
    }
  };
}
