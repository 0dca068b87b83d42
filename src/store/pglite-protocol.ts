// Messages between the API thread (pglite-thread.ts) and the embedded store's thread
// (pglite-worker.ts). Type-only apart from RAW_TEXT_TYPES, so either side can import it.

export interface WorkerInit {
  /** Data directory, or null for an in-memory database. */
  dataDir: string | null;
  /** A dumped data directory (tar) to start from (tests: a migrated template). */
  loadDataDir: Uint8Array<ArrayBuffer> | null;
}

export type Request =
  | { id: number; op: 'query'; txId: number | null; sql: string; params: unknown[]; rowMode: 'array' | 'object'; rawTimestamps: boolean }
  | { id: number; op: 'exec'; txId: number | null; sql: string }
  | { id: number; op: 'copy'; statements: { sql: string; data: string }[] }
  | { id: number; op: 'begin'; txId: number }
  | { id: number; op: 'commit' | 'rollback'; txId: number }
  /** A consistent tar of the data directory (see PgliteThread.snapshot). */
  | { id: number; op: 'snapshot' }
  | { id: number; op: 'syncs' }
  | { id: number; op: 'close' };

export type Reply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: SerializedError };

export interface SerializedError {
  message: string;
  name: string;
  props: Record<string, string | number | boolean>;
}

/**
 * Type OIDs drizzle-orm asks to keep as text (its `parsers` option: timestamp, timestamptz,
 * interval, date and their arrays, numeric[]). A query sent with `rawTimestamps` gets exactly these.
 */
export const RAW_TEXT_TYPES: readonly number[] = [1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182];
