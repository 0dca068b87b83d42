// The request log and the credential-use audit trail of provider calls (proxy, rpc, MCP), both
// written off the hot path: a call pushes a record into an in-memory buffer (no I/O, no JSON
// work) and a BatchWriter flushes buffers every ~100 ms or at 100 rows, one multi-row INSERT per
// table. Redaction (parse, mask, cap) happens at flush time too. close() drains everything, so
// a graceful shutdown loses nothing; a failed flush keeps its rows and retries (bounded).
//
// Redaction: bodies are stored as text, at most BODY_CAP characters. Values of sensitive keys
// (number, cvc, secret, password, token, key, client_secret, …; see SENSITIVE_KEY) are replaced
// by "[redacted]" at any depth, and anything shaped like a Stripe secret (sk_/rk_/pk_…, whsec_…,
// client secrets `…_secret_…`) is masked wherever it appears, so the account's key can never
// be stored even if a caller or provider echoes it.
import { and, desc, eq, gte, inArray, isNull, lt, lte, not, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../store/db.js';
import { PgliteThread } from '../store/pglite-thread.js';
import { requestLogs } from '../store/schema.js';
import type { Actor } from './audit.js';
import { notFound } from './errors.js';

// ---------------------------------------------------------------- batching

const noop = (): void => {};

export interface BatchWriterOptions {
  /** Flush at most this long after the first buffered row (default 100 ms). */
  intervalMs?: number;
  /** Flush at once when this many rows are buffered (default 100). */
  maxBatch?: number;
  /** Rows per INSERT statement (default 500). */
  maxStatementRows?: number;
  /** Rows kept for retry after failures before the oldest are dropped (default 50 000). */
  maxBuffered?: number;
}

/** Buffers rows and inserts them in batches; `close()` flushes what is left. */
export class BatchWriter<T> {
  private buf: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly intervalMs: number;
  private readonly maxBatch: number;
  private readonly maxStatementRows: number;
  private readonly maxBuffered: number;
  /** Rows dropped because the store kept failing (visible for tests and health). */
  dropped = 0;

  constructor(
    private readonly name: string,
    private readonly insert: (rows: T[]) => Promise<void>,
    private readonly warn: (msg: string) => void,
    opts: BatchWriterOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 100;
    this.maxBatch = opts.maxBatch ?? 100;
    this.maxStatementRows = opts.maxStatementRows ?? 500;
    this.maxBuffered = opts.maxBuffered ?? 50_000;
  }

  get pending(): number {
    return this.buf.length;
  }

  push(row: T): void {
    this.buf.push(row);
    if (this.flushing !== null) return; // the running flush re-arms when it ends
    if (this.buf.length >= this.maxBatch) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.flush().catch(noop);
    } else if (this.timer === null) {
      this.arm(this.closed ? 0 : this.intervalMs);
    }
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.onTimer, ms);
    this.timer.unref?.();
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.flush().catch(noop);
  };

  /** Writes everything buffered now (waits for a running flush first). Rejects if the store failed. */
  async flush(): Promise<void> {
    while (this.flushing !== null) await this.flushing.catch(noop);
    if (this.buf.length === 0) return;
    const rows = this.buf;
    this.buf = [];
    let failed = false;
    this.flushing = this.write(rows).catch((e: unknown) => {
      failed = true;
      throw e;
    });
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
      if (this.buf.length > 0 && this.timer === null && !this.closed) {
        this.arm(failed ? 1000 : this.buf.length >= this.maxBatch ? 0 : this.intervalMs);
      }
    }
  }

  private async write(rows: T[]): Promise<void> {
    for (let i = 0; i < rows.length; i += this.maxStatementRows) {
      const chunk = rows.slice(i, i + this.maxStatementRows);
      try {
        await this.insert(chunk);
        continue;
      } catch (e) {
        if (chunk.length > 1 && (await this.rowByRow(chunk))) continue;
        // The store is failing: keep the rest for a later flush (bounded).
        this.buf = rows.slice(i).concat(this.buf);
        if (this.buf.length > this.maxBuffered) {
          const drop = this.buf.length - this.maxBuffered;
          this.buf.splice(0, drop);
          this.dropped += drop;
        }
        this.warn(`${this.name}: writing ${chunk.length} rows failed (${(e as Error).message.slice(0, 200)}); ${this.buf.length} kept for retry`);
        throw e;
      }
    }
  }

  /**
   * After a failed batch: one row at a time, so a single unwritable row cannot block the rest.
   * Returns false (nothing dropped) when no row at all could be written (the store is down).
   */
  private async rowByRow(chunk: T[]): Promise<boolean> {
    const failed: T[] = [];
    let lastErr: unknown = null;
    for (const row of chunk) {
      try {
        await this.insert([row]);
      } catch (e) {
        failed.push(row);
        lastErr = e;
      }
    }
    if (failed.length === chunk.length) return false;
    if (failed.length) {
      this.dropped += failed.length;
      this.warn(`${this.name}: dropped ${failed.length} unwritable row(s): ${(lastErr as Error).message.slice(0, 200)}`);
    }
    return true;
  }

  /** Stops the timer and writes every buffered row (retrying once after a failure). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (let attempt = 0; attempt < 3 && (this.buf.length > 0 || this.flushing !== null); attempt++) {
      try {
        await this.flush();
      } catch {
        /* warned; try again */
      }
    }
  }
}

// ---------------------------------------------------------------- redaction

/** Cap of a stored body, in characters. */
export const BODY_CAP = 4096;
/** Bodies larger than this are not parsed for redaction: only their size is stored. */
const PARSE_LIMIT = 256 * 1024;

/** Keys whose values are never stored (case-insensitive, exact or by suffix). */
const SENSITIVE_KEY =
  /^(?:number|cvc|cvv|cvc_check|secret|password|passwd|token|key|api_key|client_secret|authorization|account_number|routing_number|id_number|personal_id_number|ssn_last_4|iban|exp_month|exp_year|pin)$|(?:_secret|_token|_key|_password|_number)$/i;
/** Stripe secrets anywhere in a string: API keys, webhook secrets, client secrets. */
const SECRET_VALUE = /\b(?:(?:sk|rk|pk)_(?:live|test|org)_[A-Za-z0-9]{4,}|whsec_[A-Za-z0-9+/=]{4,}|[a-z]{2,6}_[A-Za-z0-9]{6,}_secret_[A-Za-z0-9]{4,})/g;
export const REDACTED = '[redacted]';

export function isSensitiveKey(k: string): boolean {
  return SENSITIVE_KEY.test(k);
}

/** Masks Stripe secrets inside a string ('sk_test_…Ab12' keeps the prefix only). */
export function maskSecrets(s: string): string {
  SECRET_VALUE.lastIndex = 0;
  if (!SECRET_VALUE.test(s)) return s;
  SECRET_VALUE.lastIndex = 0;
  return s.replace(SECRET_VALUE, (m) => {
    if (m.startsWith('whsec_')) return 'whsec_[redacted]';
    if (m.includes('_secret_')) return m.slice(0, m.indexOf('_') + 1) + '[redacted]';
    return m.slice(0, m.indexOf('_', m.indexOf('_') + 1) + 1) + '[redacted]'; // sk_live_…
  });
}

/** A deep copy with sensitive values replaced and secrets masked. */
export function redactValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return maskSecrets(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth > 32) return '[too deep]';
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = isSensitiveKey(k) && x !== null && x !== '' && typeof x !== 'boolean' ? REDACTED : redactValue(x, depth + 1);
  }
  return out;
}

/** Control characters (NUL cannot be stored in a Postgres text column) become visible escapes. */
export function clean(s: string): string {
  return /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s) ? s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
}

function cap(s: string): string {
  s = clean(s);
  return s.length <= BODY_CAP ? s : `${s.slice(0, BODY_CAP)}…[truncated ${s.length - BODY_CAP} characters]`;
}

/** Redacted, capped text of a JSON-ish value (a parsed body), or null. */
export function redactBody(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string') return cap(maskSecrets(v));
  return cap(JSON.stringify(redactValue(v)));
}

/** Redacted, capped text of a raw body (a provider response): JSON is parsed and redacted. */
export function redactRawBody(raw: Buffer | null, contentType: string | undefined): string | null {
  if (raw === null || raw.length === 0) return null;
  if (raw.length > PARSE_LIMIT) return `[omitted: ${raw.length} bytes]`;
  const ct = contentType ?? '';
  if (ct.includes('json') || (ct === '' && (raw[0] === 0x7b || raw[0] === 0x5b))) {
    try {
      return redactBody(JSON.parse(raw.toString('utf8')));
    } catch {
      /* fall through: keep as text */
    }
  }
  if (ct.startsWith('text/') || ct.includes('json') || ct.includes('x-www-form-urlencoded')) return cap(maskSecrets(raw.toString('utf8')));
  return `[binary: ${raw.length} bytes${ct ? `, ${ct}` : ''}]`;
}

/** Path with query string: values of sensitive parameters masked, secrets masked. */
export function redactPath(raw: string): string {
  const path = raw.replace(/[\x00-\x1f\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
  const q = path.indexOf('?');
  if (q === -1) return maskSecrets(path);
  const parts = path
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name);
      } catch {
        /* keep raw */
      }
      const base = /([A-Za-z0-9_]+)\]?$/.exec(name)?.[1] ?? name;
      return isSensitiveKey(base) ? `${pair.slice(0, eq)}=${encodeURIComponent(REDACTED)}` : pair;
    });
  return maskSecrets(path.slice(0, q + 1) + parts.join('&'));
}

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
