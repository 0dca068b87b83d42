// The request log and the credential-use audit trail of provider calls (proxy, rpc, MCP), both
// written off the hot path: a call pushes a record into an in-memory buffer (no I/O, no JSON
// work) and a BatchWriter (batch-writer.ts) flushes it every ~100 ms or at 1000 records, one
// batch per table. Redaction (redaction.ts: parse, mask, cap) happens at flush time too.
// close() drains everything, so a graceful shutdown loses nothing.
import { and, desc, eq, gte, inArray, isNull, lt, lte, not, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../store/db.js';
import { PgliteThread } from '../store/pglite-thread.js';
import { requestLogs } from '../store/schema.js';
import type { Actor } from './audit.js';
import { BatchWriter, type BatchWriterOptions } from './batch-writer.js';
import { notFound } from './errors.js';
import { clean, redactBody, redactPath, redactRawBody } from './redaction.js';

// ---------------------------------------------------------------- records

export type CallSource = 'proxy' | 'rpc' | 'mcp';

/** What a call leaves behind; raw parts are redacted at flush time. */
export interface CallRecord {
  projectId: string;
  accountId: string;
  provider: string;
  source: CallSource;
  actor: Actor;
  action: string | null;
  method: string;
  /** Path with query string as sent (redacted at flush). */
  path: string;
  status: number | null;
  error: string | null;
  durationMs: number;
  attempts: number;
  providerRequestId: string | null;
  idempotencyKey: string | null;
  /** The caller's body as received (object) or sent (string); redacted at flush. */
  requestBody: unknown;
  responseBody: Buffer | null;
  responseType: string | undefined;
  at: Date;
  /** The decrypted credential was sent: also write an audit row. */
  credentialUsed: boolean;
}

export type RequestLogRow = typeof requestLogs.$inferSelect;

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
  /** Cursor: rows with id below this. */
  beforeId?: number;
  limit: number;
}

const LOG_COLUMNS = [
  'project_id', 'account_id', 'provider', 'source', 'actor_type', 'actor_id', 'action', 'method', 'path', 'status', 'error',
  'duration_ms', 'attempts', 'provider_request_id', 'idempotency_key', 'request_body', 'response_body', 'at',
] as const;
const AUDIT_COLUMNS = ['project_id', 'account_id', 'actor_type', 'actor_id', 'action', 'outcome', 'at'] as const;
const COPY_LOGS = `COPY request_logs (${LOG_COLUMNS.join(', ')}) FROM '/dev/blob'`;
const COPY_AUDIT = `COPY audit_events (${AUDIT_COLUMNS.join(', ')}) FROM '/dev/blob'`;

function auditRow(r: CallRecord): Record<string, unknown> {
  return {
    project_id: r.projectId,
    account_id: r.accountId,
    actor_type: r.actor.type,
    actor_id: clean(r.actor.id),
    action: r.source === 'proxy' ? 'call.proxy' : `call.${r.source}:${r.action ?? ''}`,
    outcome: r.status !== null ? String(r.status) : (r.error ?? 'unknown'),
    at: r.at.toISOString(),
  };
}

const TSV_SPECIAL = /[\\\t\n\r]/;
/** A value in COPY text format: \N for null; backslash, tab, newline and CR escaped. */
function tsvValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : String(v);
  return TSV_SPECIAL.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

function tsv(rows: Record<string, unknown>[], columns: readonly string[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) out += (i === 0 ? '' : '\t') + tsvValue(row[columns[i]]);
    out += '\n';
  }
  return out;
}

export class RequestLogService {
  /**
   * One writer for both tables. Batches are flushed every 100 ms or at 1000 records, in statements
   * of at most 1000 records. The store does the work off this thread (PGlite on its own thread,
   * PostgreSQL in its server), so a bigger batch does not pause request handling, and it spreads
   * per-statement costs (PGlite first writes each COPY's data to a file) over more records.
   */
  private readonly writer: BatchWriter<CallRecord>;

  private readonly pglite: PgliteThread | null;

  constructor(
    private readonly db: Db,
    private readonly bodies: 'all' | 'errors' | 'none',
    warn: (msg: string) => void,
    opts: BatchWriterOptions = {},
  ) {
    this.writer = new BatchWriter<CallRecord>('request log', (records) => this.insert(records), warn, { maxBatch: 1000, maxStatementRows: 1000, ...opts });
    const client = (db as unknown as { $client?: unknown }).$client;
    this.pglite = client instanceof PgliteThread ? client : null;
  }

  /** Records not yet written. */
  get pending(): number {
    return this.writer.pending;
  }

  /** Records dropped after the store refused them (see BatchWriter). */
  get dropped(): number {
    return this.writer.dropped;
  }

  /** Hot path: O(1), no I/O, no serialisation (redaction runs at flush time). */
  record(r: CallRecord): void {
    // Do not keep bodies that will not be stored: holding response buffers until the flush would
    // get them promoted to the old generation (costly GC) for nothing.
    const b = this.bodies;
    if (b === 'none') {
      r.requestBody = null;
      r.responseBody = null;
    } else if (b === 'errors' && r.status !== null && r.status >= 200 && r.status < 300) {
      r.responseBody = null;
    }
    this.writer.push(r);
  }

  /** Writes a batch: COPY on PGlite (in-process, so its cost is Linkhub's), else one INSERT … SELECT. */
  private async insert(records: CallRecord[]): Promise<void> {
    const logs: Record<string, unknown>[] = [];
    const audits: Record<string, unknown>[] = [];
    for (const r of records) {
      logs.push(this.toRow(r));
      if (r.credentialUsed) audits.push(auditRow(r));
    }
    if (this.pglite) return this.copy(this.pglite, logs, audits);
    // PostgreSQL: both tables in one statement, rows as one JSON parameter each (far cheaper than
    // a multi-row VALUES list with a parameter per column).
    await this.db.execute(sql`
      with audit as (
        insert into audit_events (${sql.raw(AUDIT_COLUMNS.join(', '))})
        select ${sql.raw(AUDIT_COLUMNS.join(', '))} from json_populate_recordset(null::audit_events, ${JSON.stringify(audits)}::json)
      )
      insert into request_logs (${sql.raw(LOG_COLUMNS.join(', '))})
      select ${sql.raw(LOG_COLUMNS.join(', '))} from json_populate_recordset(null::request_logs, ${JSON.stringify(logs)}::json)`);
  }

  /** PGlite: COPY … FROM '/dev/blob' (tab-separated text), both tables in one transaction on the store's thread. */
  private async copy(client: PgliteThread, logs: Record<string, unknown>[], audits: Record<string, unknown>[]): Promise<void> {
    const statements = [{ sql: COPY_LOGS, data: tsv(logs, LOG_COLUMNS) }];
    if (audits.length) statements.push({ sql: COPY_AUDIT, data: tsv(audits, AUDIT_COLUMNS) });
    await client.copy(statements);
  }

  private toRow(r: CallRecord): Record<string, unknown> {
    // all: both bodies; errors: request bodies always, response bodies of failed calls; none.
    const b = this.bodies;
    const failed = r.status === null || r.status < 200 || r.status >= 300;
    const keepRequest = b !== 'none';
    const keepResponse = b === 'all' || (b === 'errors' && failed);
    return {
      project_id: r.projectId,
      account_id: r.accountId,
      provider: r.provider,
      source: r.source,
      actor_type: r.actor.type,
      actor_id: clean(r.actor.id),
      action: r.action,
      method: r.method,
      path: redactPath(r.path),
      status: r.status,
      error: r.error,
      duration_ms: r.durationMs,
      attempts: r.attempts,
      provider_request_id: r.providerRequestId === null ? null : clean(r.providerRequestId),
      idempotency_key: r.idempotencyKey === null ? null : clean(r.idempotencyKey),
      request_body: keepRequest ? redactBody(r.requestBody) : null,
      response_body: keepResponse ? redactRawBody(r.responseBody, r.responseType) : null,
      at: r.at.toISOString(),
    };
  }

  /** Writes everything recorded so far (reads call this first: read-your-writes). */
  async flush(): Promise<void> {
    await this.writer.flush();
  }

  async close(): Promise<void> {
    await this.writer.close();
  }

  async list(projectId: string, f: RequestLogFilter): Promise<RequestLogRow[]> {
    const conds: SQL[] = [eq(requestLogs.projectId, projectId)];
    if (f.accountIds?.length) conds.push(inArray(requestLogs.accountId, f.accountIds));
    if (f.actions?.length) conds.push(inArray(requestLogs.action, f.actions));
    if (f.sources?.length) conds.push(inArray(requestLogs.source, f.sources));
    if (f.methods?.length) conds.push(inArray(requestLogs.method, f.methods.map((m) => m.toUpperCase())));
    if (f.providerRequestIds?.length) conds.push(inArray(requestLogs.providerRequestId, f.providerRequestIds));
    if (f.statuses?.length) {
      const ors: SQL[] = [];
      const exact = f.statuses.filter((s): s is number => typeof s === 'number');
      if (exact.length) ors.push(inArray(requestLogs.status, exact));
      for (const c of f.statuses) {
        if (typeof c !== 'string') continue;
        const d = Number(c[0]);
        ors.push(and(gte(requestLogs.status, d * 100), lt(requestLogs.status, d * 100 + 100))!);
      }
      conds.push(or(...ors)!);
    }
    if (f.success !== undefined) {
      const ok = and(gte(requestLogs.status, 200), lt(requestLogs.status, 300))!;
      conds.push(f.success ? ok : or(isNull(requestLogs.status), not(ok))!);
    }
    if (f.from) conds.push(gte(requestLogs.at, f.from));
    if (f.to) conds.push(lte(requestLogs.at, f.to));
    if (f.beforeId !== undefined) conds.push(lt(requestLogs.id, f.beforeId));
    return this.db
      .select()
      .from(requestLogs)
      .where(and(...conds))
      .orderBy(desc(requestLogs.id))
      .limit(f.limit);
  }

  async get(projectId: string, id: number): Promise<RequestLogRow> {
    const [row] = await this.db
      .select()
      .from(requestLogs)
      .where(and(eq(requestLogs.projectId, projectId), eq(requestLogs.id, id)))
      .limit(1);
    if (!row) throw notFound('Request log');
    return row;
  }
}
