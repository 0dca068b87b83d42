// The HTTP request a piece of work serves, as the services see it: its id (the W3C traceparent of
// Linkhub's span, upstream/trace-context.ts) and its logger, whose lines carry that id. A Fastify
// request is one as it is, so the HTTP layer passes `request` and nothing is allocated per call.
export interface RequestTrace {
  readonly id: string;
  readonly log: { warn(msg: string): void };
}

/** Where a warning about work for `trace` goes: the request's log (its lines carry the id), else `fallback`. */
export function warnFor(trace: RequestTrace | undefined, fallback: (msg: string) => void): (msg: string) => void {
  return trace === undefined ? fallback : (msg) => trace.log.warn(msg);
}
