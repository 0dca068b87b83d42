// Starting the embedded store, in a module light enough to load first: main.ts starts PGlite's thread
// before it loads the rest of Linkhub, so PGlite's start (about half a second) runs beside the module
// loading (about a second) instead of after it (bench/start.ts).
//
// An empty data directory starts from the store template that `npm run build` makes
// (scripts/build-store-template.ts: a data directory already initialised and migrated), copied in
// place: PGlite's initdb and the migrations took 6 s of a first start. The template is used only when
// it holds exactly this build's migrations; otherwise (no build, another version) PGlite initialises
// the directory itself and the migrations run, as before.
//
// A store a newer Linkhub migrated is refused as soon as PGlite is open, before anything is migrated
// or served (one query: migration-journal.ts), as on PostgreSQL (postgres-store.ts).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../paths.js';
import { DataDirError, type DataDirLock, dataDirProblem, lockDataDir } from './data-dir-lock.js';
import { migrationIds, newestAppliedMigration, StoreAheadError, storeAheadProblem } from './migration-journal.js';
import { PgliteThread } from './pglite-thread.js';
import { syncPath, syncTree } from './sync-tree.js';
import { loadOrCreateMasterKey, type MasterKeySource } from '../vault/master-key.js';

export const STORE_TEMPLATE_DIR = join(projectRoot, 'dist', 'store-template');
/** What the template holds: the migrations applied to it (migrationIds()), in order. */
export const TEMPLATE_MANIFEST = 'manifest.json';

/**
 * Whether `e`, or an error it wraps (drizzle's DrizzleQueryError keeps the store's as `cause`), says
 * the disk is full: ENOSPC from the system, PostgreSQL's disk_full (53100: "could not extend file"),
 * or the data directory's own refusal (data-dir-lock.ts).
 */
function diskFull(e: unknown): boolean {
  for (let x = e, depth = 0; x && typeof x === 'object' && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === '53100') return true;
    if (x instanceof DataDirError && x.message.endsWith('(ENOSPC)')) return true;
  }
  return false;
}

/** A full disk under the data directory, in one line (the start's writes, PGlite's, or the lock's). */
const fullDisk = (dataDir: string) =>
  new DataDirError(`the data directory ${dataDir} is on a full disk (no space left on device): free some space, then start Linkhub again (ENOSPC)`);

/**
 * What a start of the embedded store in `dataDir` that failed says: a full disk, wherever it was met
 * (taking the directory, copying the template, PGlite's start, or the first writes of a new store,
 * which PGlite answered with its own words and drizzle's "Failed query" with its parameters), named
 * as such; any other failure as it is.
 */
export function startFailure(dataDir: string, e: unknown): unknown {
  return diskFull(e) ? fullDisk(dataDir) : e;
}

/** The error an operator can act on: which directory, and the system's reason (full, read-only, …). */
export function embeddedStoreError(pgliteDir: string | null, e: unknown): Error {
  if (pgliteDir && diskFull(e)) return fullDisk(pgliteDir);
  const code = (e as NodeJS.ErrnoException).code;
  if (pgliteDir && typeof code === 'string' && /^E[A-Z]+$/.test(code)) return dataDirProblem(pgliteDir, e as NodeJS.ErrnoException);
  return new Error(`the embedded store in ${pgliteDir ? join(pgliteDir, 'pgdata') : 'memory'} could not be opened: ${(e as Error).message}`);
}

/** The template's data directory when it was made from exactly these migrations, else null. */
function usableTemplate(): string | null {
  try {
    const manifest = JSON.parse(readFileSync(join(STORE_TEMPLATE_DIR, TEMPLATE_MANIFEST), 'utf8')) as { migrations?: unknown };
    const ids = migrationIds();
    const held = manifest.migrations;
    const same = Array.isArray(held) && held.length === ids.length && ids.every((id, i) => held[i] === id);
    return same ? join(STORE_TEMPLATE_DIR, 'pgdata') : null;
  } catch {
    return null; // no template (run from source, or not built): PGlite initialises the directory
  }
}

/**
 * A new data directory from the template: copied beside it, synced to the disk, then renamed into
 * place, so neither a start killed during the copy nor a power cut after it leaves a half directory
 * that would later pass for a store (Postgres syncs its own writes from then on: pglite-durable-fs.ts).
 */
function seedFromTemplate(pgdata: string): void {
  if (existsSync(pgdata) && readdirSync(pgdata).length > 0) return;
  const template = usableTemplate();
  if (!template) return;
  const partial = `${pgdata}.partial`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(template, partial, { recursive: true });
  syncTree(partial);
  rmSync(pgdata, { recursive: true, force: true }); // an empty directory
  renameSync(partial, pgdata);
  syncPath(dirname(pgdata));
}

/** Closes the thread and throws StoreAheadError when a newer Linkhub migrated its store (one query). */
async function refuseStoreAhead(pgliteDir: string, thread: PgliteThread): Promise<void> {
  let problem: string | null;
  try {
    problem = storeAheadProblem(await newestAppliedMigration((text) => thread.query(text)));
  } catch (e) {
    await thread.close().catch(() => {});
    throw embeddedStoreError(pgliteDir, e);
  }
  if (!problem) return;
  await thread.close().catch(() => {});
  throw new StoreAheadError(problem);
}

/**
 * Starts PGlite on its own thread in `pgliteDir`/pgdata (null: in memory); errors name the directory.
 * A store a newer Linkhub migrated is refused (StoreAheadError).
 */
export async function startPgliteThread(pgliteDir: string | null): Promise<PgliteThread> {
  let thread: PgliteThread;
  try {
    if (!pgliteDir) return await PgliteThread.start({ dataDir: null, loadDataDir: null });
    mkdirSync(pgliteDir, { recursive: true });
    const pgdata = join(pgliteDir, 'pgdata');
    seedFromTemplate(pgdata);
    thread = await PgliteThread.start({ dataDir: pgdata, loadDataDir: null });
  } catch (e) {
    throw embeddedStoreError(pgliteDir, e);
  }
  await refuseStoreAhead(pgliteDir, thread);
  return thread;
}

/** The data directory taken by this process (it and its master.key belong to one process at a time). */
export function lockEmbeddedDataDir(dataDir: string, onLost: (msg: string) => void): Promise<DataDirLock> {
  return lockDataDir(dataDir, (e) => onLost(`the lock on the data directory ${dataDir} was taken over (${e.message}): stop writing`));
}

/** The data directory taken and PGlite's thread starting: createServices (ServiceOptions.embedded) finishes the opening. */
export interface EmbeddedStart {
  lock: DataDirLock;
  /** Read (or generated) before the store was seeded from the template: a new store gets a new key, an existing one must have its own. */
  masterKey: MasterKeySource;
  thread: Promise<PgliteThread>;
}

/** Takes the data directory and starts PGlite's thread without waiting for it (main.ts, before loading the rest). */
export async function startEmbeddedStore(
  dataDir: string,
  configuredKey: Buffer | null,
  log: { warn: (msg: string) => void; onLost: (msg: string) => void },
): Promise<EmbeddedStart> {
  const lock = await lockEmbeddedDataDir(dataDir, log.onLost).catch((e: unknown) => {
    throw startFailure(dataDir, e);
  });
  if (lock.notice) log.warn(lock.notice);
  let masterKey: MasterKeySource;
  try {
    masterKey = loadOrCreateMasterKey(configuredKey, dataDir, log.warn);
  } catch (e) {
    await lock.release();
    throw e;
  }
  const thread = startPgliteThread(dataDir);
  // awaited by createServices; until then a failure to start must not count as an unhandled rejection
  thread.catch(() => {});
  return { lock, masterKey, thread };
}
