// `linkhub doctor`: what is wrong with this installation, in plain words, one line per check:
// ok, warn (works, but look at it) or fail (something does not work). Exit 0 when nothing fails.
// Runs where the store is (inside the server holding an embedded store, with its configuration).
// No key is ever printed: master keys appear as their ids (fingerprints).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { request } from 'undici';
import type { Config } from '../config.js';
import { connectors } from '../connectors/registry.js';
import { CallProfiles } from '../services/calls/profiles.js';
import { migrationState } from '../store/migrations.js';
import { accounts, vaultKeys } from '../store/schema.js';
import { masterKeyStatus } from '../vault/rotation.js';
import { keyRing, unwrapDataKey } from '../vault/vault.js';
import type { CommandContext } from './context.js';
import { CliError } from './store.js';

/** How long an upstream API may take to answer anything at all. */
const UPSTREAM_TIMEOUT_MS = 5000;

type Level = 'ok' | 'warn' | 'fail';
interface Check {
  level: Level;
  text: string;
}
const ok = (text: string): Check => ({ level: 'ok', text });
const warn = (text: string): Check => ({ level: 'warn', text });
const fail = (text: string): Check => ({ level: 'fail', text });

/** A check's line (also printed by the CLI itself when the configuration or the store cannot be opened). */
export const checkLine = (c: Check) => `${c.level.padEnd(4)}  ${c.text}`;
export { fail as failed };

/** Where the store is, without the password of DATABASE_URL. */
function storeName(config: Config): string {
  if (!config.databaseUrl) return `embedded store in ${config.dataDir}`;
  const u = new URL(config.databaseUrl);
  return `PostgreSQL at ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

function duration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms} ms`;
}

function where(s: CommandContext): Check {
  if (s.config.databaseUrl) return ok('PostgreSQL: commands run beside the serving nodes');
  return s.server === null
    ? ok('no server holds the data directory: these checks ran in this process')
    : ok(`a running server (PID ${s.server}) holds the data directory: these checks ran inside it, with its configuration`);
}

/**
 * The store's migrations against this version's. A store a newer Linkhub migrated is refused when
 * opened (so the CLI reports it as a store that cannot be opened: runner.ts); this check finds one
 * that became so after it was opened (a newer node migrated PostgreSQL meanwhile).
 */
async function storeCheck(s: CommandContext): Promise<Check> {
  const { missing, ahead } = await migrationState(s.store.db);
  if (ahead) return fail(ahead);
  return missing.length
    ? fail(`the store lacks migrations ${missing.join(', ')}: run \`linkhub migrate\` or restart Linkhub to apply them`)
    : ok('the store answers and has every migration');
}

async function masterKeyChecks(s: CommandContext): Promise<Check[]> {
  const source = s.config.masterKey ? 'LINKHUB_MASTER_KEY' : join(s.config.dataDir, 'master.key');
  let keys: ReturnType<CommandContext['masterKeys']>;
  try {
    keys = s.masterKeys();
  } catch (e) {
    return [fail(`master key (${source}): ${(e as Error).message}`)];
  }
  const ring = keyRing(keys);
  const rows = await s.store.db.select().from(vaultKeys);
  try {
    for (const row of rows) unwrapDataKey(ring, row);
  } catch (e) {
    return [fail(`master key: ${(e as Error).message}`)];
  }
  const checks = [ok(`the master key ${ring[0].id} (${source}) unwraps the store's ${rows.length} data key(s)`)];
  const status = await masterKeyStatus(s.store.db, keys);
  const previous = status.filter((r) => r.role === 'previous');
  if (previous.length) {
    const n = previous.reduce((sum, r) => sum + r.dataKeys, 0);
    checks.push(
      warn(`${n} data key(s) are still wrapped by a previous master key (${previous.map((r) => r.masterKeyId).join(', ')}): run \`linkhub master-key rotate\``),
    );
  } else if (s.config.masterKeyPrevious.length) {
    checks.push(warn('LINKHUB_MASTER_KEY_PREVIOUS is set but no data key needs it: remove it'));
  } else if (s.keyFile && existsSync(join(s.config.dataDir, 'master.key.previous'))) {
    checks.push(warn('master.key.previous is left from an interrupted rotation: run `linkhub master-key rotate` to finish it'));
  } else {
    checks.push(ok('no previous master key is needed'));
  }
  return checks;
}

/** Any HTTP answer from the API's base URL means it is reachable; no answer within the timeout means not. */
async function upstreamCheck(name: string, base: string): Promise<Check> {
  const started = Date.now();
  try {
    const res = await request(base, { method: 'GET', signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS), headersTimeout: UPSTREAM_TIMEOUT_MS });
    await res.body.dump();
    return ok(`${name} API ${base} answers (HTTP ${res.statusCode} in ${Date.now() - started} ms)`);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${UPSTREAM_TIMEOUT_MS} ms` : (err.code ?? err.message);
    return fail(`${name} API ${base} is unreachable (${why}): check the network, proxy or the API base setting`);
  }
}

async function settingChecks(s: CommandContext): Promise<Check[]> {
  const c = s.config;
  const byStatus = await s.store.db.select({ status: accounts.status, n: count() }).from(accounts).groupBy(accounts.status);
  const total = byStatus.reduce((n, r) => n + Number(r.n), 0);
  const notActive = byStatus.filter((r) => r.status !== 'active').reduce((n, r) => n + Number(r.n), 0);
  return [
    c.metricsToken
      ? ok('metrics: GET /metrics is served (LINKHUB_METRICS_TOKEN is set)')
      : ok('metrics: off (set LINKHUB_METRICS_TOKEN to serve GET /metrics)'),
    c.verifyIntervalMs > 0
      ? ok(`every account's key is re-verified every ${duration(c.verifyIntervalMs)} (LINKHUB_VERIFY_INTERVAL)`)
      : warn('scheduled re-verification is off (LINKHUB_VERIFY_INTERVAL): a key revoked at the provider shows only when a call fails'),
    notActive
      ? warn(`${notActive} of ${total} linked account(s) are not active: see \`linkhub accounts list --status error\``)
      : ok(`${total} linked account(s), all active`),
  ];
}

export async function doctorCommand(s: CommandContext): Promise<void> {
  const profiles = new CallProfiles(s.config);
  const checks: Check[] = [ok(`the configuration loads (${storeName(s.config)})`), where(s), await storeCheck(s)];
  for (const c of checks) s.out(checkLine(c));
  const rest = [
    ...(await masterKeyChecks(s)),
    ...(await Promise.all(connectors().map((c) => upstreamCheck(c.name, profiles.get(c).base)))),
    ...(await settingChecks(s)),
  ];
  for (const c of rest) s.out(checkLine(c));
  const all = [...checks, ...rest];
  const failures = all.filter((c) => c.level === 'fail').length;
  const warnings = all.filter((c) => c.level === 'warn').length;
  if (failures) throw new CliError(`doctor: ${failures} check(s) failed, ${warnings} warning(s)`);
  s.out(`No problem found${warnings ? ` (${warnings} warning(s))` : ''}.`);
}
