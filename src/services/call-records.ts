// How a call is stored in the call log (table call_log_segments, see src/store/schema.ts): each
// call is one JSON array, in the field order below (format 1), and a segment's `records` column
// is the JSON array of its calls. A call's id is `segment id * SEGMENT_SPAN + its index`, so ids
// grow with the segments and a call is found from its id alone.
//
// encodeCall runs on the request path when the call ends: the record is redacted and encoded at
// once, so what waits for the next flush is one string (cheap to keep, nothing to re-visit).
import type { Actor } from './audit.js';
import { redactBody, redactPath, redactRawBody } from './redaction.js';

export const CALL_FORMAT = 1;
/** Calls per segment at most (ids leave room for this many per segment). */
export const SEGMENT_SPAN = 4096;

export type CallSource = 'proxy' | 'rpc' | 'mcp';

/** What a call leaves behind, as the caller path sees it; redacted by encodeCall. */
export interface CallRecord {
  projectId: string;
  accountId: string;
  provider: string;
  source: CallSource;
  actor: Actor;
  action: string | null;
  method: string;
  /** Path with query string as sent (redacted when encoded). */
  path: string;
  /** The provider's HTTP status; null when no answer came (throttled, unreachable, refused). */
  status: number | null;
  /** Linkhub-side outcome when the provider gave no answer: throttled, unreachable, timeout, url_refused, … */
  error: string | null;
  durationMs: number;
  /** Attempts sent to the provider (0 = never sent; >1 = retried). */
  attempts: number;
  providerRequestId: string | null;
  idempotencyKey: string | null;
  /** The caller's body as received (object) or sent (string). */
  requestBody: unknown;
  responseBody: Buffer | null;
  responseType: string | undefined;
  at: Date;
  /** The decrypted credential was sent: the call is also an entry of the credential audit trail. */
  credentialUsed: boolean;
}

/** A call of the log as reads return it (path redacted, bodies as stored text). */
export interface RequestLogRow
  extends Pick<CallRecord, 'projectId' | 'accountId' | 'provider' | 'action' | 'method' | 'path' | 'status' | 'error' | 'durationMs' | 'attempts' | 'providerRequestId' | 'idempotencyKey' | 'at'> {
  id: number;
  source: string;
  actorType: string;
  actorId: string;
  requestBody: string | null;
  responseBody: string | null;
  /** This call is an entry of the credential audit trail (false for calls logged before migration 0003, audited in audit_events). */
  audited: boolean;
}

/** A call waiting for the next flush: its encoded record and what the segment summary needs. */
export interface EncodedCall {
  projectId: string;
  accountId: string;
  action: string | null;
  status: number | null;
  at: number;
  json: string;
}

/** Format 1, field by field (index in the stored array). */
export type StoredCall = [
  at: number, accountId: string, provider: string, source: string, actorType: string, actorId: string, action: string | null,
  method: string, path: string, status: number | null, error: string | null, durationMs: number, attempts: number,
  providerRequestId: string | null, idempotencyKey: string | null, requestBody: string | null, responseBody: string | null, audited: 0 | 1,
];

export type BodyPolicy = 'all' | 'errors' | 'none';

/** Redacts and encodes one call. Bodies kept: all; errors = request bodies, and response bodies of failed calls; none. */
export function encodeCall(r: CallRecord, bodies: BodyPolicy): EncodedCall {
  const failed = r.status === null || r.status < 200 || r.status >= 300;
  const at = r.at.getTime();
  const stored: StoredCall = [
    at, r.accountId, r.provider, r.source, r.actor.type, r.actor.id, r.action, r.method, redactPath(r.path), r.status, r.error,
    Math.round(r.durationMs * 1000) / 1000, r.attempts, r.providerRequestId, r.idempotencyKey,
    bodies === 'none' ? null : redactBody(r.requestBody),
    bodies === 'all' || (bodies === 'errors' && failed) ? redactRawBody(r.responseBody, r.responseType) : null,
    r.credentialUsed ? 1 : 0,
  ];
  // JSON escapes every control character: the text is storable as is (no NUL reaches PostgreSQL).
  return { projectId: r.projectId, accountId: r.accountId, action: r.action, status: r.status, at, json: JSON.stringify(stored) };
}

/** The stored calls of one segment (index order = id order). */
export function parseSegment(segmentId: number, format: number, records: string): StoredCall[] {
  if (format !== CALL_FORMAT) throw new Error(`call log segment ${segmentId} has unknown format ${format}`);
  return JSON.parse(records) as StoredCall[];
}

/** One stored call as a row. */
export function callRow(segmentId: number, projectId: string, index: number, c: StoredCall): RequestLogRow {
  return {
    id: segmentId * SEGMENT_SPAN + index,
    projectId,
    accountId: c[1],
    provider: c[2],
    source: c[3],
    actorType: c[4],
    actorId: c[5],
    action: c[6],
    method: c[7],
    path: c[8],
    status: c[9],
    error: c[10],
    durationMs: c[11],
    attempts: c[12],
    providerRequestId: c[13],
    idempotencyKey: c[14],
    requestBody: c[15],
    responseBody: c[16],
    at: new Date(c[0]),
    audited: c[17] === 1,
  };
}

/** The segment of a call id and the call's index in it. */
export function locateCall(id: number): { segmentId: number; index: number } {
  return { segmentId: Math.floor(id / SEGMENT_SPAN), index: id % SEGMENT_SPAN };
}
