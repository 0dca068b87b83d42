// The proxy's answer as bytes: {status, headers, data} with the provider's JSON body spliced in as
// received (no decode, parse or re-serialisation on the success path); for a non-2xx answer also
// StackOne's `provider_errors` and Linkhub's reading of it (refused key, missing permission).
import { codeOf } from '../../errors/catalogue.js';
import { DROPPED_RESPONSE_HEADERS, filterResponseHeaders } from '../../upstream/index.js';
import { closedToRestrictedMessage, missingPermissionMessage } from './answers.js';
import type { SendResult } from './caller.js';

const json = JSON.stringify;

/** The last `"name":"value"` JSON fragment built per header name: most values repeat from one answer to the next. */
const fragments = new Map<string, { value: string; json: string; ascii: boolean }>();
const ASCII = /^[\x00-\x7f]*$/;
/**
 * Whether the JSON the last responseHeadersJson() call returned is all ASCII (set by each call, read
 * right after it): then its bytes are its characters, and the envelope is written without measuring
 * and encoding it as UTF-8.
 */
let headersAscii = false;

/**
 * The JSON object of the response headers returned to the caller (filterResponseHeaders' rules).
 * undici already parsed and validated them (names lowercased, values strings), so only the drop
 * rules apply here, and repeated name/value pairs reuse their JSON.
 */
function responseHeadersJson(h: Record<string, string>): string {
  const connection = h.connection;
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') {
    headersAscii = false;
    return json(filterResponseHeaders(h));
  }
  let out = '';
  let ascii = true;
  for (const k in h) {
    if (DROPPED_RESPONSE_HEADERS.has(k) || k.startsWith('proxy-')) continue;
    const v = h[k];
    let f = fragments.get(k);
    if (f === undefined || f.value !== v) {
      const fragment = `${json(k)}:${json(v)}`;
      f = { value: v, json: fragment, ascii: ASCII.test(fragment) };
      if (fragments.size < 256 || fragments.has(k)) fragments.set(k, f);
    }
    ascii &&= f.ascii;
    out += (out === '' ? '{' : ',') + f.json;
  }
  headersAscii = ascii;
  return out === '' ? '{}' : out + '}';
}

/** head + data + `}` in one buffer (one allocation, one copy of the provider's body); `ascii`: head is all ASCII. */
function joined(head: string, ascii: boolean, data: Buffer): Buffer {
  const headLen = ascii ? head.length : Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(headLen + data.length + 1);
  if (ascii) out.write(head, 0, 'latin1');
  else out.write(head, 0);
  data.copy(out, headLen);
  out[headLen + data.length] = 0x7d; /* } */
  return out;
}

/** Linkhub's reading of a refusal: code and message (and the account's new status, the permission). */
function reading(r: SendResult): Record<string, unknown> {
  const connector = r.account.profile.connector;
  if (r.keyRejected) return { code: r.keyRejected.code, message: r.keyRejected.message, account_status: 'error' };
  if (r.forbidden) {
    const p = r.forbidden.permission;
    return r.forbidden.closedToRestrictedKeys
      ? { code: codeOf('not_available_to_restricted_keys'), permission: p, message: closedToRestrictedMessage(connector) }
      : { code: codeOf('action_missing_permission'), permission: p, message: missingPermissionMessage(connector, p) };
  }
  const pe = r.providerError;
  if (pe?.message) return pe.code ? { message: pe.message, code: pe.code } : { message: pe.message };
  return {};
}

/** The envelope of an answer to `path` (the guarded request target). */
export function proxyEnvelope(r: SendResult, path: string): Buffer {
  const res = r.response;
  const type = res.headers['content-type'] ?? '';
  const buf = res.body;
  const raw = buf.length > 0 && type.includes('json') && (buf[0] === 0x7b /* { */ || buf[0] === 0x5b); /* [ */
  const data: Buffer = raw ? buf : Buffer.from(buf.length === 0 ? 'null' : json(buf.toString('utf8')));
  const head = `{"status":${res.status},"headers":${responseHeadersJson(res.headers)},"data":`;
  if (res.status >= 200 && res.status < 300) return joined(head, headersAscii, data);
  const url = r.account.profile.connector.api.baseUrl + path.split('?')[0];
  const tail = `,"provider_errors":[{"status":${res.status},"url":${json(url)},"raw":`;
  let end = `,"headers":${json({ 'request-id': res.requestId ?? undefined })}}]`;
  for (const [k, v] of Object.entries(reading(r))) end += `,${json(k)}:${json(v)}`;
  return Buffer.concat([Buffer.from(head), data, Buffer.from(tail), data, Buffer.from(end + '}')]);
}
