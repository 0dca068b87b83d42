// A development and test guard for response schemas. Fastify serialises a JSON answer with the
// route's response schema (fast-json-stringify), which drops properties the schema does not name and
// coerces values of another type (null → "" for a string, "12" → 12 …) without a word. With this
// guard every object answer is also rendered by JSON.stringify, and the two must parse to the same
// value: a schema that alters an answer fails the request (500) and logs which paths differ.
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyReply } from 'fastify';

const expected = new WeakMap<FastifyReply, string>();

/** JSON paths (a.b[0].c) where `got` differs from `want`, at most `max`. */
export function differences(want: unknown, got: unknown, path = '', max = 10, out: string[] = []): string[] {
  if (out.length >= max || isDeepStrictEqual(want, got)) return out;
  const bothObjects = want && got && typeof want === 'object' && typeof got === 'object' && Array.isArray(want) === Array.isArray(got);
  if (!bothObjects) {
    out.push(`${path || '(root)'}: ${JSON.stringify(want)?.slice(0, 80)} became ${JSON.stringify(got)?.slice(0, 80)}`);
    return out;
  }
  const w = want as Record<string, unknown>;
  const g = got as Record<string, unknown>;
  for (const k of new Set([...Object.keys(w), ...Object.keys(g)])) {
    const p = Array.isArray(want) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    if (!(k in g)) out.push(`${p}: dropped`);
    else differences(w[k], g[k], p, max, out);
    if (out.length >= max) break;
  }
  return out;
}

/** Installs the guard: call before any route is registered. */
export function installSerializationCheck(app: FastifyInstance): void {
  app.addHook('preSerialization', async (_request, reply, payload) => {
    if (payload !== null && typeof payload === 'object') expected.set(reply, JSON.stringify(payload));
    return payload;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const want = expected.get(reply);
    if (want === undefined || typeof payload !== 'string') return payload;
    expected.delete(reply);
    const diff = differences(JSON.parse(want), JSON.parse(payload));
    if (diff.length === 0) return payload;
    const message = `Response schema of ${request.method} ${request.routeOptions.url} (status ${reply.statusCode}) altered the answer: ${diff.join('; ')}`;
    request.log.error(message);
    throw new Error(message);
  });
}
