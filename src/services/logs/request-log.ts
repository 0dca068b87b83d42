// The call log: every provider call (proxy, rpc, MCP) with its outcome, which is also the
// credential audit trail of calls. Written off the hot path: a call is redacted and encoded when
// it ends (call-records.ts) and pushed into an in-memory buffer; a BatchWriter (batch-writer.ts)
// starts a write 50 ms after the oldest buffered call (or at 4000 calls), in one statement, as
// segment rows of up to 1000 calls of one project (call_log_segments, src/store/schema.ts), several
// writes at once if one is slow. So a kill -9 loses only calls answered within the last 50 ms plus
// one write (the README promises 100 ms; test/kill-loss.test.ts holds it). close() drains
// everything, so a graceful shutdown loses nothing.
//
// Reads walk the segments newest first, skipping those whose summary (accounts, actions,
// statuses, time range) cannot match, and filter the calls of the others.
import { and, arrayOverlaps, desc, eq, gte, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { PgliteThread } from '../../store/pglite-thread.js';
import { callLogSegments } from '../../store/schema.js';
import { BatchWriter, type BatchWriterOptions } from './batch-writer.js';
import {
  type BodyPolicy,
  CALL_FORMAT,
  callAccount,
  callAction,
  type CallRecord,
  callRow,
  encodeCall,
  type EncodedCall,
  F,
  locateCall,
  parseSegment,
  type RequestLogRow,
  SEGMENT_SPAN,
  type SegmentCalls,
  type StoredCall,
} from './call-records.js';
import { fail } from '../../errors/fail.js';

export type { CallRecord, CallSource, RequestLogRow } from './call-records.js';

export interface RequestLogFilter {
  accountIds?: string[];
  actions?: string[];
  /** Exact statuses (e.g. 200) or classes ('4xx'). */
  statuses?: (number | string)[];
  sources?: string[];
  methods?: string[];
  providerRequestIds?: string[];
  success?: boolean;
  from?: Date;
  to?: Date;
  /** Only calls that are entries of the credential audit trail. */
  audited?: boolean;
  /** Cursor: calls with id below this. */
  beforeId?: number;
  limit: number;
}

/** Calls per segment at most. */
const SEGMENT_CALLS = 1000;
/**
 * Calls per write (one statement, cut into segments): the writer writes every 50 ms, or sooner at
 * this many. Each statement has a fixed cost on the embedded store (~0.2–0.3 ms), so under load a
 * write carries up to 50 ms of calls rather than 1000 of them.
 */
const WRITE_CALLS = 4 * SEGMENT_CALLS;
/**
 * Longest wait of a call in the buffer before its write starts. With the write itself (a few ms,
 * tens under load) this is what a kill -9 loses: half the 100 ms promised, the rest for the write.
 */
const WRITE_EVERY_MS = 50;
/** Writes at once: a slow write (a busy store, a large batch) does not hold back the next batch. */
const WRITES_AT_ONCE = 4;
/** A segment is cut earlier when its records reach this many characters (large bodies). */
const SEGMENT_CHARS = 4 * 1024 * 1024;
/**
 * Segments read per query while scanning (a segment holds up to SEGMENT_CALLS calls): one first, as
 * a page of the newest calls usually sits in the newest segment, then more per query for deep scans.
 */
const SCAN_FIRST = 1;
const SCAN_MAX = 16;

const SEGMENT_COLUMNS = ['project_id', 'format', 'count', 'first_at', 'last_at', 'account_ids', 'actions', 'statuses', 'records'] as const;
const COPY_SEGMENT = `COPY call_log_segments (${SEGMENT_COLUMNS.join(', ')}) FROM '/dev/blob'`;

interface Segment {
  projectId: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
  accountIds: string[];
  actions: string[];
  statuses: number[];
  records: string;
}

/** One segment of calls of one project: accounts and actions by index, times as offsets from the first. */
function segmentOf(calls: EncodedCall[]): Segment {
  const accounts = new Map<string, number>();
  const actions = new Map<string, number>();
  const statuses = new Set<number>();
  let first = Infinity;
  let last = -Infinity;
  for (const c of calls) {
    if (!accounts.has(c.accountId)) accounts.set(c.accountId, accounts.size);
    if (c.action !== null && !actions.has(c.action)) actions.set(c.action, actions.size);
    statuses.add(c.status ?? 0);
    if (c.at < first) first = c.at;
    if (c.at > last) last = c.at;
  }
  let records = '[';
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i];
    records += `${i === 0 ? '' : ','}[${c.at - first},${accounts.get(c.accountId)},${c.action === null ? 'null' : actions.get(c.action)},${c.tail}`;
  }
  return {
    projectId: calls[0].projectId,
    count: calls.length,
    firstAt: new Date(first),
    lastAt: new Date(last),
    accountIds: [...accounts.keys()],
    actions: [...actions.keys()],
    statuses: [...statuses],
    records: records + ']',
  };
}

/** Batches → segments: by project, in order, cut at SEGMENT_CALLS calls or SEGMENT_CHARS characters. */
function segmentsOf(calls: EncodedCall[]): Segment[] {
  const runs: EncodedCall[][] = [];
  const open = new Map<string, { calls: EncodedCall[]; chars: number }>();
  for (const c of calls) {
    let run = open.get(c.projectId);
    if (run === undefined || run.calls.length >= SEGMENT_CALLS || run.chars + c.tail.length > SEGMENT_CHARS) {
      run = { calls: [], chars: 0 };
      open.set(c.projectId, run);
      runs.push(run.calls);
    }
    run.calls.push(c);
    run.chars += c.tail.length + 16;
  }
  return runs.map(segmentOf);
}

const TSV_SPECIAL = /[\\\t\n\r]/;
/** A value in COPY text format: backslash, tab, newline and CR escaped. */
function tsvValue(s: string): string {
  return TSV_SPECIAL.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}
/** A text[] literal ({"a","b"}). */
const arrayLiteral = (xs: readonly (string | number)[]) =>
  `{${xs.map((x) => (typeof x === 'number' ? String(x) : `"${x.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;

function copyLine(s: Segment): string {
  return (
    [
      tsvValue(s.projectId),
      String(CALL_FORMAT),
      String(s.count),
      s.firstAt.toISOString(),
      s.lastAt.toISOString(),
      tsvValue(arrayLiteral(s.accountIds)),
      tsvValue(arrayLiteral(s.actions)),
      arrayLiteral(s.statuses),
      // JSON holds no raw tab, newline or CR: only its backslashes need escaping (indexOf is far cheaper than a regex over ~100 KB).
      s.records.includes('\\') ? s.records.replace(/\\/g, '\\\\') : s.records,
    ].join('\t') + '\n'
  );
}

/** Whether a stored call of a segment passes the filter (the segment query already narrowed what it could). */
function matcher(f: RequestLogFilter): (s: SegmentCalls, c: StoredCall) => boolean {
  const set = (xs: readonly string[] | undefined) => (xs?.length ? new Set(xs) : null);
  const accounts = set(f.accountIds);
  const actions = set(f.actions);
  const sources = set(f.sources);
  const methods = set(f.methods?.map((m) => m.toUpperCase()));
  const requestIds = set(f.providerRequestIds);
  const exact = f.statuses?.length ? new Set(f.statuses.filter((s): s is number => typeof s === 'number')) : null;
  const classes = (f.statuses ?? []).filter((s): s is string => typeof s === 'string').map((c) => Number(c[0]));
  const from = f.from?.getTime();
  const to = f.to?.getTime();
  return (s, c) => {
    if (accounts !== null && !accounts.has(callAccount(s, c))) return false;
    if (actions !== null) {
      const action = callAction(s, c);
      if (action === null || !actions.has(action)) return false;
    }
    if (sources !== null && !sources.has(c[F.source])) return false;
    if (methods !== null && !methods.has(c[F.method])) return false;
    if (requestIds !== null && !requestIds.has(c[F.providerRequestId] ?? '')) return false;
    const status = c[F.status] ?? null;
    if (exact !== null && !(status !== null && (exact.has(status) || classes.includes(Math.floor(status / 100))))) return false;
    if (f.success !== undefined && (status !== null && status >= 200 && status < 300) !== f.success) return false;
    const at = s.firstAt + c[F.at];
    if (from !== undefined && at < from) return false;
    if (to !== undefined && at > to) return false;
    if (f.audited !== undefined && (c[F.audited] === 1) !== f.audited) return false;
    return true;
  };
}

/** SQL that keeps the segments which may hold a matching call. */
function segmentConditions(projectId: string, f: RequestLogFilter, maxSegment: number | null): SQL[] {
  const t = callLogSegments;
  const conds: SQL[] = [eq(t.projectId, projectId)];
  if (maxSegment !== null) conds.push(lte(t.id, maxSegment));
  if (f.accountIds?.length) conds.push(arrayOverlaps(t.accountIds, f.accountIds));
  if (f.actions?.length) conds.push(arrayOverlaps(t.actions, f.actions));
  const anyStatus = (lo: number, hi: number) => sql`exists (select 1 from unnest(${t.statuses}) s where s >= ${lo} and s < ${hi})`;
  if (f.statuses?.length) {
    const exact = f.statuses.filter((s): s is number => typeof s === 'number');
    const ors: SQL[] = exact.length ? [arrayOverlaps(t.statuses, exact)] : [];
    for (const c of f.statuses) if (typeof c === 'string') ors.push(anyStatus(Number(c[0]) * 100, Number(c[0]) * 100 + 100));
    conds.push(or(...ors)!);
  }
  if (f.success === true) conds.push(anyStatus(200, 300));
  if (f.success === false) conds.push(sql`exists (select 1 from unnest(${t.statuses}) s where s < 200 or s >= 300)`);
  if (f.from) conds.push(gte(t.lastAt, f.from));
  if (f.to) conds.push(lte(t.firstAt, f.to));
  return conds;
}

export class RequestLogService {
  private readonly writer: BatchWriter<EncodedCall>;
  private readonly pglite: PgliteThread | null;
  /**
   * Segment ids are taken one write after another, in the order the writes start: writes run at once
   * on PostgreSQL's pool and may reach it in any order, and a later batch with a smaller id would list
   * its calls as older than calls made before them ("newest first" is by id). PGlite runs one
   * statement at a time, in order, so there the sequence is already in call order.
   */
  private ids: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly bodies: BodyPolicy,
    warn: (msg: string) => void,
    opts: BatchWriterOptions = {},
  ) {
    this.writer = new BatchWriter<EncodedCall>('call log', (calls) => this.insert(calls), warn, {
      intervalMs: WRITE_EVERY_MS,
      maxWrites: WRITES_AT_ONCE,
      maxBatch: WRITE_CALLS,
      maxStatementRows: WRITE_CALLS,
      ...opts,
    });
    const client = (db as unknown as { $client?: unknown }).$client;
    this.pglite = client instanceof PgliteThread ? client : null;
  }

  /** Calls not yet written. */
  get pending(): number {
    return this.writer.pending;
  }

  /** Calls dropped after the store refused them (see BatchWriter). */
  get dropped(): number {
    return this.writer.dropped;
  }

  /** Hot path: redacts and encodes the call (no I/O); the writer stores it with the next segment. */
  record(r: CallRecord): void {
    this.writer.push(encodeCall(r, this.bodies));
  }

  /** Writes a batch as segments: COPY on PGlite (on the store's thread), else INSERT. */
  private async insert(calls: EncodedCall[]): Promise<void> {
    // One statement per ~8 MB of records (large bodies), all in one transaction: a batch that is
    // retried after a failure cannot be written twice.
    const groups: Segment[][] = [[]];
    let chars = 0;
    for (const s of segmentsOf(calls)) {
      if (chars > 0 && chars + s.records.length > 2 * SEGMENT_CHARS) {
        groups.push([]);
        chars = 0;
      }
      groups[groups.length - 1].push(s);
      chars += s.records.length;
    }
    if (this.pglite) {
      await this.pglite.copy(groups.map((g) => ({ sql: COPY_SEGMENT, data: g.map(copyLine).join('') })));
      return;
    }
    const ids = await this.reserveIds(groups.reduce((n, g) => n + g.length, 0));
    let next = 0;
    const rows = (g: Segment[]) => g.map((s) => ({ ...s, id: ids[next++], format: CALL_FORMAT }));
    if (groups.length === 1) await this.db.insert(callLogSegments).values(rows(groups[0]));
    else {
      await this.db.transaction(async (tx) => {
        for (const g of groups) await tx.insert(callLogSegments).values(rows(g));
      });
    }
  }

  /** Writes everything recorded so far (reads call this first: read-your-writes). */
  async flush(): Promise<void> {
    await this.writer.flush();
  }

  async close(): Promise<void> {
    await this.writer.close();
  }

  /** `n` segment ids from the table's sequence, after those of every write started before this one. */
  private reserveIds(n: number): Promise<number[]> {
    const taken = this.ids.then(async () => {
      const r = await this.db.execute(sql`select nextval(pg_get_serial_sequence('call_log_segments', 'id')) as id from generate_series(1, ${n})`);
      return (r as unknown as { rows: { id: number | string }[] }).rows.map((x) => Number(x.id)).sort((a, b) => a - b);
    });
    this.ids = taken.catch(() => undefined);
    return taken;
  }

  /** Calls of a project matching the filter, newest first, at most `limit`. */
  async list(projectId: string, f: RequestLogFilter): Promise<RequestLogRow[]> {
    const out: RequestLogRow[] = [];
    if (f.limit <= 0) return out;
    const matches = matcher(f);
    const before = f.beforeId;
    let maxSegment = before === undefined ? null : locateCall(before - 1).segmentId;
    for (let batch = SCAN_FIRST; ; batch = Math.min(batch * 4, SCAN_MAX)) {
      const rows = await this.segments(and(...segmentConditions(projectId, f, maxSegment))!, batch);
      for (const row of rows) {
        const s = parseSegment(row);
        for (let i = s.calls.length - 1; i >= 0; i--) {
          if ((before !== undefined && s.id * SEGMENT_SPAN + i >= before) || !matches(s, s.calls[i])) continue;
          out.push(callRow(s, i));
          if (out.length >= f.limit) return out;
        }
      }
      if (rows.length < batch) return out;
      maxSegment = rows[rows.length - 1].id - 1;
    }
  }

  async get(projectId: string, id: number): Promise<RequestLogRow> {
    const { segmentId, index } = locateCall(id);
    const [row] = await this.segments(and(eq(callLogSegments.projectId, projectId), eq(callLogSegments.id, segmentId))!, 1);
    const s = row ? parseSegment(row) : null;
    if (s === null || index >= s.calls.length) throw fail('request_log_not_found');
    return callRow(s, index);
  }

  /** Segment rows (what decoding needs), newest first. */
  private segments(where: SQL, limit: number) {
    const t = callLogSegments;
    return this.db
      .select({ id: t.id, projectId: t.projectId, format: t.format, firstAt: t.firstAt, accountIds: t.accountIds, actions: t.actions, records: t.records })
      .from(t)
      .where(where)
      .orderBy(desc(t.id))
      .limit(limit);
  }
}
