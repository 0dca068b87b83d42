// Request bodies are read as they are sent. One compressed would be read as other bytes than the ones
// meant (Fastify does not decompress; a provider might), on any route, and on the provider's own paths
// the agent policy would judge other parameters than the provider acts on. Node's parser takes
// `Transfer-Encoding: gzip, chunked` and undoes only the chunking. Both are refused, with 415.
import type { IncomingHttpHeaders } from 'node:http';

/** Codings named as they are in the refusal; anything else a caller wrote there (it could be anything) is not repeated. */
const KNOWN = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'compress', 'x-compress', 'zstd', 'identity', 'chunked']);
const named = (value: string) =>
  value
    .split(',')
    .slice(0, 5)
    .map((c) => (KNOWN.has(c.trim().toLowerCase()) ? c.trim().toLowerCase() : '…'))
    .join(', ');

/**
 * A content or transfer coding of a request's body other than none (`identity`) and `chunked`, as
 * `Header: codings`; null when there is none, or no body.
 */
export function codingProblem(headers: IncomingHttpHeaders): string | null {
  const transfer = headers['transfer-encoding'];
  const length = headers['content-length'];
  if (transfer === undefined && (length === undefined || length === '0')) return null;
  const content = headers['content-encoding'];
  if (content !== undefined && !/^\s*(identity)?\s*$/i.test(content)) return `Content-Encoding: ${named(content)}`;
  if (transfer !== undefined && !/^\s*chunked\s*$/i.test(transfer)) return `Transfer-Encoding: ${named(transfer)}`;
  return null;
}
