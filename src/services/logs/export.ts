// `linkhub logs export`: the request log and the audit trail over a time range, oldest first, as
// NDJSON (one object per line, with a `kind`) or CSV (csv-stringify, a header row, one column set
// for both kinds). Read in batches by id (a few call-log segments, or 1000 audit events, per
// query), so a year of logs never sits in memory. Rows are the API's views (views.ts): what the
// store holds was redacted when written, and no view carries a body or a secret.
//
// Kinds: `requests` is every call; `audit` is the credential audit trail as GET /audit shows it
// (audit_events, and each call that used a key as call.proxy / call.rpc:… / call.mcp:…); `all` is
// the calls and the audit events, without the calls a second time as audit entries.
import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { and, asc, eq, gt, gte, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { auditEvents, callLogSegments } from '../../store/schema.js';
import { callAuditEntry } from './audit.js';
import { callRow, F, parseSegment, type RequestLogRow } from './call-records.js';
import { auditView, logView } from './views.js';

export type LogExportKind = 'requests' | 'audit' | 'all';
export type LogExportFormat = 'ndjson' | 'csv';

export interface LogExportOptions {
  kind: LogExportKind;
  format: LogExportFormat;
  since: Date;
  until?: Date;
  /** One project's logs; every project's when left out. */
  projectId?: string;
  /** Where each provider's calls go (Config.apiBases): `url` is the URL actually called, as the logs API says. */
  apiBases?: Readonly<Record<string, string>>;
}

/** Segments (≤ 1000 calls each) and audit events per query. */
const SEGMENTS_PER_QUERY = 4;
const EVENTS_PER_QUERY = 1000;

type Row = ({ kind: 'request' } & ReturnType<typeof logView>) | ({ kind: 'audit' } & ReturnType<typeof auditView>);
type Timed = { at: number; row: Row };

/** Calls in [since, until], in the order they were logged (a segment's calls by index). */
async function* calls(db: Db, o: LogExportOptions, auditedOnly: boolean): AsyncGenerator<RequestLogRow> {
  const t = callLogSegments;
  const since = o.since.getTime();
  const until = o.until?.getTime() ?? Number.POSITIVE_INFINITY;
  for (let after = 0; ; ) {
    const conds: SQL[] = [gt(t.id, after), gte(t.lastAt, o.since)];
    if (o.until) conds.push(lte(t.firstAt, o.until));
    if (o.projectId) conds.push(eq(t.projectId, o.projectId));
    const rows = await db
      .select({ id: t.id, projectId: t.projectId, format: t.format, firstAt: t.firstAt, accountIds: t.accountIds, actions: t.actions, records: t.records })
      .from(t)
      .where(and(...conds))
      .orderBy(asc(t.id))
      .limit(SEGMENTS_PER_QUERY);
    for (const row of rows) {
      const s = parseSegment(row);
      for (let i = 0; i < s.calls.length; i++) {
        const c = s.calls[i];
        const at = s.firstAt + c[F.at];
        if (at < since || at > until || (auditedOnly && c[F.audited] !== 1)) continue;
        yield callRow(s, i);
      }
    }
    if (rows.length < SEGMENTS_PER_QUERY) return;
    after = rows[rows.length - 1].id;
  }
}

/** audit_events rows in [since, until], by id. */
async function* events(db: Db, o: LogExportOptions): AsyncGenerator<Timed> {
  const t = auditEvents;
  for (let after = 0; ; ) {
    const conds: SQL[] = [gt(t.id, after), gte(t.at, o.since)];
    if (o.until) conds.push(lte(t.at, o.until));
    if (o.projectId) conds.push(eq(t.projectId, o.projectId));
    const rows = await db
      .select()
      .from(t)
      .where(and(...conds))
      .orderBy(asc(t.id))
      .limit(EVENTS_PER_QUERY);
    for (const e of rows) yield { at: e.at.getTime(), row: { kind: 'audit', ...auditView({ ...e, id: String(e.id), requestLogId: null }) } };
    if (rows.length < EVENTS_PER_QUERY) return;
    after = rows[rows.length - 1].id;
  }
}

async function* callRows(db: Db, o: LogExportOptions, as: 'request' | 'audit'): AsyncGenerator<Timed> {
  for await (const r of calls(db, o, as === 'audit')) {
    yield { at: r.at.getTime(), row: as === 'request' ? { kind: 'request', ...logView(r, o.apiBases) } : { kind: 'audit', ...auditView(callAuditEntry(r)) } };
  }
}

/** Two streams, each oldest first, as one: the older head goes first. */
async function* merge(a: AsyncGenerator<Timed>, b: AsyncGenerator<Timed>): AsyncGenerator<Row> {
  let [x, y] = await Promise.all([a.next(), b.next()]);
  while (!x.done || !y.done) {
    if (y.done || (!x.done && x.value.at <= y.value.at)) {
      yield x.value!.row;
      x = await a.next();
    } else {
      yield y.value.row;
      y = await b.next();
    }
  }
}

function rows(db: Db, o: LogExportOptions): AsyncGenerator<Row> {
  if (o.kind === 'requests') return merge(callRows(db, o, 'request'), (async function* () {})());
  return merge(callRows(db, o, o.kind === 'all' ? 'request' : 'audit'), events(db, o));
}

/** The CSV columns: kind, then a request's fields, then the audit fields a request has not. */
const REQUEST_COLUMNS = Object.keys(logView({ at: new Date(0), path: '', attempts: 0, durationMs: 0 } as RequestLogRow));
const AUDIT_COLUMNS = ['actor_type', 'actor_id', 'outcome', 'at'];
export const CSV_COLUMNS = ['kind', ...REQUEST_COLUMNS, ...AUDIT_COLUMNS];

/** The export as text, produced as the reader takes it (back-pressure reaches the queries); a failed query fails the stream. */
export function exportLogs(db: Db, o: LogExportOptions): Readable {
  if (o.format === 'ndjson') {
    return Readable.from(
      (async function* () {
        for await (const row of rows(db, o)) yield `${JSON.stringify(row)}\n`;
      })(),
    );
  }
  // escape_formulas: a cell a caller wrote (an idempotency key, a path) that starts like a formula
  // (`=`, `+`, `-`, `@`) gets a leading quote, so a spreadsheet opening the file shows it, never runs it
  const csv = stringify({ header: true, columns: CSV_COLUMNS, escape_formulas: true, cast: { boolean: (b) => String(b) } });
  // pipeline destroys every stream on an error, so whoever reads `csv` sees it
  pipeline(Readable.from(rows(db, o)), csv, () => {});
  return csv;
}
