// How a call is stored in the call log (table call_log_segments, see src/store/schema.ts): each
// call is one JSON array, in the field order of F below (format 1), and a segment's `records`
// column is the JSON array of its calls. A call's id is `segment id * SEGMENT_SPAN + its index`,
// so ids grow with the segments and a call is found from its id alone.
//
// encodeCall runs on the request path when the call ends: the record is redacted and encoded at
// once, so what waits for the next flush is one string (cheap to keep, nothing to re-visit).
import type { Actor } from './actor.js';
import { maskSecrets, redactPath } from './redaction.js';
import { redactBody, redactRawBody } from './stored-bodies.js';

export const CALL_FORMAT = 1;
/** Calls per segment at most (ids leave room for this many per segment). */
export const SEGMENT_SPAN = 4096;
/**
 * Cap of a stored path (with its query), in characters: a caller may send up to 16,384, and each
 * call stored them whole (500 such calls cost ~17 KB each on disk against ~330 B). Cut as bodies
 * are (stored-bodies.ts: the head, then `…[truncated N characters]`).
 */
export const PATH_CAP = 2048;

export type CallSource = 'proxy' | 'rpc' | 'mcp' | 'native' | 'approval';

/** What a call leaves behind, as the caller path sees it; redacted by encodeCall. */
export interface CallRecord {
  projectId: string;
  accountId: string;
  provider: string;
  source: CallSource;
  actor: Actor;
  action: string | null;
  method: string;
  /** Path with query string as sent (redacted and cut to PATH_CAP when encoded). */
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
  extends Pick<
    CallRecord,
    | 'projectId'
    | 'accountId'
    | 'provider'
    | 'action'
    | 'method'
    | 'path'
    | 'status'
    | 'error'
    | 'durationMs'
    | 'attempts'
    | 'providerRequestId'
    | 'idempotencyKey'
    | 'at'
  > {
  id: number;
  source: string;
  actorType: string;
  actorId: string;
  requestBody: string | null;
  responseBody: string | null;
  /** This call is an entry of the credential audit trail (false for calls logged before migration 0003, audited in audit_events). */
  audited: boolean;
}

/** A call waiting for the next flush: its encoded fields and what the segment needs to place it. */
export interface EncodedCall {
  projectId: string;
  accountId: string;
  action: string | null;
  status: number | null;
  at: number;
  /** JSON of the fields from `provider` on, without the opening bracket ('"<provider>","proxy",…]'). */
  tail: string;
}

/**
 * Format 1: one JSON array per call, fields by position (F); trailing nulls are left out. Account
 * and action are indexes into the segment's account_ids and actions columns, `at` is an offset from
 * its first_at: what repeats within a segment is stored once (a proxy call is ~110 bytes).
 */
export const F = {
  at: 0,
  account: 1,
  action: 2,
  provider: 3,
  source: 4,
  actorType: 5,
  actorId: 6,
  method: 7,
  path: 8,
  status: 9,
  error: 10,
  durationMs: 11,
  attempts: 12,
  audited: 13,
  providerRequestId: 14,
  idempotencyKey: 15,
  requestBody: 16,
  responseBody: 17,
} as const;

export type StoredCall = [
  at: number,
  account: number,
  action: number | null,
  provider: string,
  source: string,
  actorType: string,
  actorId: string,
  method: string,
  path: string,
  status?: number | null,
  error?: string | null,
  durationMs?: number,
  attempts?: number,
  audited?: 0 | 1,
  providerRequestId?: string | null,
  idempotencyKey?: string | null,
  requestBody?: string | null,
  responseBody?: string | null,
];

export type BodyPolicy = 'all' | 'errors' | 'none';

/**
 * The JSON of the last call's fields from `provider` to `path` (without brackets): a client repeating
 * a call repeats them, so only the fields after them are serialised again.
 */
let lastHead = { provider: '', source: '', actorType: '', actorId: '', method: '', path: '', json: '' };

/** Redacts and encodes one call. Bodies kept: all; errors = request bodies, and response bodies of failed calls; none. */
export function encodeCall(r: CallRecord, bodies: BodyPolicy): EncodedCall {
  const failed = r.status === null || r.status < 200 || r.status >= 300;
  // the fields after `path` (the path is never null: trailing nulls are cut from these alone)
  const rest: unknown[] = [
    r.status,
    r.error,
    Math.round(r.durationMs * 1000) / 1000,
    r.attempts,
    r.credentialUsed ? 1 : 0,
    r.providerRequestId,
    // the caller chooses it: anything may be in it, a key included
    r.idempotencyKey === null ? null : maskSecrets(r.idempotencyKey),
    bodies === 'none' ? null : redactBody(r.requestBody),
    bodies === 'all' || (bodies === 'errors' && failed) ? redactRawBody(r.responseBody, r.responseType) : null,
  ];
  let n = rest.length;
  while (n > 0 && rest[n - 1] === null) n--;
  rest.length = n;
  let head = lastHead;
  const { actor } = r;
  if (
    head.path !== r.path ||
    head.actorId !== actor.id ||
    head.provider !== r.provider ||
    head.source !== r.source ||
    head.actorType !== actor.type ||
    head.method !== r.method
  ) {
    const json = JSON.stringify([r.provider, r.source, actor.type, actor.id, r.method, storedPath(r.path)]).slice(1, -1);
    head = { provider: r.provider, source: r.source, actorType: actor.type, actorId: actor.id, method: r.method, path: r.path, json };
    lastHead = head;
  }
  // JSON escapes every control character: the text is storable as is (no NUL reaches PostgreSQL).
  const tail = n === 0 ? `${head.json}]` : `${head.json},${JSON.stringify(rest).slice(1)}`;
  return { projectId: r.projectId, accountId: r.accountId, action: r.action, status: r.status, at: r.at.getTime(), tail };
}

/**
 * A path as stored: redacted whole, then cut (a cut after redaction cannot leave part of a secret
 * unmasked; a path is ~16 KB at most, the proxy's limit and Node's on a request's head, so redacting all of it stays cheap).
 */
function storedPath(raw: string): string {
  const path = redactPath(raw);
  if (path.length <= PATH_CAP) return path;
  // not between the halves of a surrogate pair (a lone half is no character)
  const end = /[\ud800-\udbff]/.test(path[PATH_CAP - 1]) ? PATH_CAP - 1 : PATH_CAP;
  return `${path.slice(0, end)}…[truncated ${path.length - end} characters]`;
}

/** A stored segment, decoded. */
export interface SegmentCalls {
  id: number;
  projectId: string;
  /** first_at in ms: calls store their `at` as an offset from it. */
  firstAt: number;
  accountIds: readonly string[];
  actions: readonly string[];
  calls: StoredCall[];
}

/** The calls of one segment row (index order = id order). */
export function parseSegment(row: {
  id: number;
  projectId: string;
  format: number;
  firstAt: Date;
  accountIds: string[];
  actions: string[];
  records: string;
}): SegmentCalls {
  if (row.format !== CALL_FORMAT) throw new Error(`call log segment ${row.id} has unknown format ${row.format}`);
  return {
    id: row.id,
    projectId: row.projectId,
    firstAt: row.firstAt.getTime(),
    accountIds: row.accountIds,
    actions: row.actions,
    calls: JSON.parse(row.records) as StoredCall[],
  };
}

/** The account and action of a stored call. */
export const callAccount = (s: SegmentCalls, c: StoredCall): string => s.accountIds[c[F.account]];
export function callAction(s: SegmentCalls, c: StoredCall): string | null {
  const i = c[F.action];
  return i === null ? null : s.actions[i];
}

/** One stored call as a row. */
export function callRow(s: SegmentCalls, index: number): RequestLogRow {
  const c = s.calls[index];
  const opt = (i: number) => c[i] ?? null;
  return {
    id: s.id * SEGMENT_SPAN + index,
    projectId: s.projectId,
    accountId: callAccount(s, c),
    provider: c[F.provider],
    source: c[F.source],
    actorType: c[F.actorType],
    actorId: c[F.actorId],
    action: callAction(s, c),
    method: c[F.method],
    path: c[F.path],
    status: opt(F.status) as number | null,
    error: opt(F.error) as string | null,
    durationMs: (c[F.durationMs] ?? 0) as number,
    attempts: (c[F.attempts] ?? 0) as number,
    providerRequestId: opt(F.providerRequestId) as string | null,
    idempotencyKey: opt(F.idempotencyKey) as string | null,
    requestBody: opt(F.requestBody) as string | null,
    responseBody: opt(F.responseBody) as string | null,
    at: new Date(s.firstAt + c[F.at]),
    audited: c[F.audited] === 1,
  };
}

/** The segment of a call id and the call's index in it. */
export function locateCall(id: number): { segmentId: number; index: number } {
  return { segmentId: Math.floor(id / SEGMENT_SPAN), index: id % SEGMENT_SPAN };
}
