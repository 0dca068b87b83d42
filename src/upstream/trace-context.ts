// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` of one request.
// Linkhub's request id is the traceparent of its own span: the caller's trace id when the caller sent
// a valid traceparent (else a new one), and a new span id. Logs carry it as `reqId`, the answer as
// `x-request-id`, and upstream calls (where the provider takes it) as their `traceparent`, so one
// trace id follows a call from the caller through Linkhub to the provider.
import { randomFillSync } from 'node:crypto';

const VERSION_00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
/** A later version may append fields after the flags (the spec: read the first four of it). */
const VERSION_LATER = /^([0-9a-e][0-9a-f]|f[0-9a-e])-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-|$)/;
const ALL_ZERO_TRACE = '0'.repeat(32);
const ALL_ZERO_SPAN = '0'.repeat(16);

// Random bytes drawn in blocks and turned into hex once per block: one crypto call and one conversion
// per 170 request ids rather than per request (an id is then a slice of the block's hex).
const BLOCK = 4096;
const pool = Buffer.allocUnsafe(BLOCK);
let poolHex = '';
let used = BLOCK;

function randomHex(bytes: number): string {
  if (used + bytes > BLOCK) {
    randomFillSync(pool);
    poolHex = pool.toString('hex');
    used = 0;
  }
  const hex = poolHex.slice(2 * used, 2 * (used + bytes));
  used += bytes;
  return hex;
}

/** The trace id and flags of a valid incoming traceparent, or null (absent, malformed, all-zero ids). */
export function parseTraceparent(header: string | string[] | undefined): { traceId: string; flags: string } | null {
  // Several traceparent headers make it invalid (the spec); so does anything uppercase.
  if (typeof header !== 'string' || header.length < 55) return null;
  let m = VERSION_00.exec(header);
  let traceId: string;
  let span: string;
  let flags: string;
  if (m) [, traceId, span, flags] = m;
  else {
    // version 00 has nothing after the flags; ff is never valid
    m = header.startsWith('00-') ? null : VERSION_LATER.exec(header);
    if (!m) return null;
    [, , traceId, span, flags] = m;
  }
  if (traceId === ALL_ZERO_TRACE || span === ALL_ZERO_SPAN) return null;
  return { traceId, flags };
}

/** A new span under the caller's trace (a valid `traceparent`), or the root of a new trace (sampled). */
export function childTraceparent(incoming: string | string[] | undefined): string {
  const parent = parseTraceparent(incoming);
  // version 00 is what we speak, whatever version came in; only the sampled bit of the flags is defined
  const flags = parent === null ? '01' : (Number.parseInt(parent.flags, 16) & 1) === 1 ? '01' : '00';
  return `00-${parent?.traceId ?? randomHex(16)}-${randomHex(8)}-${flags}`;
}
