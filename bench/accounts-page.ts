// Dashboard account list at 100k accounts: keyset (created_at, id) paging vs OFFSET paging.
//   node --import tsx bench/accounts-page.ts [--accounts 100000] [--runs 15] [--database-url postgres://…]
// Seeds the accounts by one INSERT … SELECT generate_series (fake ciphertexts: listing never decrypts;
// created_at repeats in pairs so the id tie-break is exercised), then times page 1 and deep pages.
// OFFSET is AccountService.list (the platform API's /accounts); keyset is AccountService.listKeyset (the dashboard's).
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { encodeCursor } from '../src/services/accounts/account-queries.js';
import { AccountService, type AccountFilter } from '../src/services/accounts/accounts.js';
import { openStore, storeFromPglite, type Store } from '../src/store/db.js';
import { createScratchDatabase } from '../test/helpers/scratch-database.js';

const { values: args } = parseArgs({
  options: {
    accounts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '31' },
    'page-size': { type: 'string', default: '25' },
    'database-url': { type: 'string' },
  },
});
const N = Number(args.accounts);
const RUNS = Number(args.runs);
const SIZE = Number(args['page-size']);
const PROJECT = 'default';

async function open(): Promise<{ store: Store; label: string; drop(): Promise<void> }> {
  const base = args['database-url'];
  if (!base) return { store: await storeFromPglite(await PGlite.create()), label: 'PGlite (in memory)', drop: async () => {} };
  const db = await createScratchDatabase(base, 'linkhub_bench');
  return {
    store: await openStore({ databaseUrl: db.url, pgliteDir: null }),
    label: `PostgreSQL (${new URL(db.url).host})`,
    drop: db.drop,
  };
}

interface Timing {
  median: number;
  min: number;
}

/** Times a and b interleaved (a, b, a, b, …) so background load hits both alike. */
async function timePair(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[Timing, Timing]> {
  for (let i = 0; i < 5; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [fn, out] of [
      [a, ta],
      [b, tb],
    ] as const) {
      const s = performance.now();
      await fn();
      out.push(performance.now() - s);
    }
  }
  const stat = (t: number[]): Timing => {
    t.sort((x, y) => x - y);
    return { median: t[Math.floor(t.length / 2)], min: t[0] };
  };
  return [stat(ta), stat(tb)];
}

const rowsOf = (r: unknown): any[] => ((r as { rows?: unknown[] }).rows ?? (r as unknown[])) as any[];

async function main() {
  const { store, label, drop } = await open();
  const db = store.db;
  try {
    process.stdout.write(`Seeding ${N.toLocaleString('en')} accounts into ${label}… `);
    const seedStart = performance.now();
    await db.execute(sql`INSERT INTO projects (id, name) VALUES (${PROJECT}, 'Bench') ON CONFLICT DO NOTHING`);
    await db.execute(sql`
      INSERT INTO accounts (id, project_id, provider, status, status_reasons, origin_owner_id, origin_owner_name, origin_username,
        environment, key_type, key_hint, secret_ciphertext, secret_key_version, external_account_id, external_account_name,
        last_verified_at, created_at, updated_at)
      SELECT 'acc_' || md5(g::text), ${PROJECT}, 'stripe',
        CASE WHEN g % 17 = 0 THEN 'error' ELSE 'active' END, '[]'::jsonb,
        'org-' || (g % 5000), 'Owner ' || (g % 5000), 'user' || g || '@example.com',
        CASE WHEN g % 3 = 0 THEN 'production' ELSE 'test' END,
        CASE WHEN g % 4 = 0 THEN 'restricted' ELSE 'secret' END,
        lpad((g % 10000)::text, 4, '0'), 'fake.' || md5(g::text), 1,
        'acct_' || substr(md5('a' || g), 1, 16), 'Stripe account ' || g,
        ts, ts, ts
      FROM generate_series(1, ${N}) AS g,
        LATERAL (SELECT timestamptz '2025-01-01 00:00:00+00' + ((g / 2) * interval '1 second') + ((g / 2) % 1000) * interval '1 microsecond' AS ts) t`);
    await db.execute(sql`ANALYZE accounts`);
    console.log(`${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const accounts = new AccountService(db, null as never, null as never, null as never, null as never);
    const lastPage = Math.ceil(N / SIZE);
    const deep = Math.floor(lastPage * 0.75);

    /** The keyset cursor that starts page `page` (the last row of the page before), read once, untimed. */
    async function cursorFor(page: number, f: AccountFilter): Promise<string | null> {
      if (page === 1) return null;
      let c: string | null = null;
      // Walking is what a user does; jumping straight there is the same query with that cursor.
      const where = sql.join(
        [
          sql`project_id = ${PROJECT}`,
          ...(f.environment ? [sql`environment = ${f.environment}`] : []),
          ...(f.status?.length ? [sql`status = ${f.status[0]}`] : []),
        ],
        sql` AND `,
      );
      const r = rowsOf(
        await db.execute(
          sql`SELECT created_at::text AS c, id FROM accounts WHERE ${where} ORDER BY created_at DESC, id DESC OFFSET ${(page - 1) * SIZE - 1} LIMIT 1`,
        ),
      );
      c = r[0] ? encodeCursor(r[0].c, r[0].id) : null;
      return c;
    }

    const cases: { name: string; page: number; filter: AccountFilter }[] = [
      { name: 'page 1', page: 1, filter: {} },
      { name: `page ${deep.toLocaleString('en')} (75 %)`, page: deep, filter: {} },
      { name: `page ${lastPage.toLocaleString('en')} (last)`, page: lastPage, filter: {} },
      { name: 'page 1, test+active', page: 1, filter: { environment: 'test', status: ['active'] } },
      { name: `page 2,000, test+active`, page: 2000, filter: { environment: 'test', status: ['active'] } },
    ];

    // Warm the caches and the JIT on a few pages before anything is timed.
    for (let i = 0; i < 20; i++) {
      await accounts.listKeyset(PROJECT, {}, { cursor: null, limit: SIZE });
      await accounts.list(PROJECT, {}, 1 + i * 100, SIZE);
    }
    console.log(`\nPage size ${SIZE}; median (min) of ${RUNS} interleaved runs after 5 warm-ups\n`);
    console.log('case'.padEnd(26) + 'keyset'.padStart(20) + 'OFFSET'.padStart(22) + 'OFFSET/keyset median'.padStart(23) + '  (min)');
    for (const c of cases) {
      const cursor = await cursorFor(c.page, c.filter);
      const k = await accounts.listKeyset(PROJECT, c.filter, { cursor, limit: SIZE });
      const o = await accounts.list(PROJECT, c.filter, c.page, SIZE);
      const same = k.rows.length === o.length && k.rows.every((r, i) => r.id === o[i].id);
      if (!same) throw new Error(`${c.name}: keyset and OFFSET returned different rows`);
      const [tk, to] = await timePair(
        () => accounts.listKeyset(PROJECT, c.filter, { cursor, limit: SIZE }),
        () => accounts.list(PROJECT, c.filter, c.page, SIZE),
      );
      const fmt = (t: Timing) => `${t.median.toFixed(2)} ms (${t.min.toFixed(2)})`;
      console.log(
        c.name.padEnd(26) +
          fmt(tk).padStart(20) +
          fmt(to).padStart(22) +
          `${(to.median / tk.median).toFixed(1)}×`.padStart(23) +
          `  (${(to.min / tk.min).toFixed(1)}×)`,
      );
    }

    // Keyset walk check: 200 consecutive pages from the top, no gaps or repeats.
    let cursor: string | null = null;
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = await accounts.listKeyset(PROJECT, {}, { cursor, limit: SIZE });
      for (const r of p.rows) {
        if (seen.has(r.id)) throw new Error('keyset walk repeated a row');
        seen.add(r.id);
      }
      cursor = p.nextCursor;
    }
    const offsetIds = (await accounts.list(PROJECT, {}, 1, 200 * SIZE)).map((r) => r.id);
    if (offsetIds.some((id) => !seen.has(id))) throw new Error('keyset walk skipped a row');
    console.log(`\nKeyset walk of 200 pages matches OFFSET order exactly (${seen.size.toLocaleString('en')} rows, created_at ties included).`);

    const deepCursor = await cursorFor(deep, {});
    const c = JSON.parse(Buffer.from(deepCursor!, 'base64url').toString()) as [string, string];
    const plan = rowsOf(
      await db.execute(
        sql`EXPLAIN SELECT * FROM accounts WHERE project_id = ${PROJECT} AND (created_at, id) < (${c[0]}::timestamptz, ${c[1]}) ORDER BY created_at DESC, id DESC LIMIT ${SIZE + 1}`,
      ),
    );
    console.log(
      'Keyset plan: ' +
        plan
          .map((r) => String(Object.values(r)[0]).trim())
          .slice(0, 3)
          .join(' / '),
    );
  } finally {
    await store.close();
    await drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
