// How many registered OAuth clients Linkhub keeps that were never used (never obtained a code or a
// token). Registration is open (RFC 7591, no credential): the per-address limit (oauth.ts) does not
// bound an attacker with many addresses (an IPv6 /48 holds 65,536 /64s), so unused clients are also
// capped for the whole cluster, and forgotten a day after they registered (an MCP client registers,
// then authorizes within minutes).
//
// Counting them exactly takes an anti-join over the codes and refresh tokens (~30 ms on PostgreSQL,
// ~60 ms on PGlite at 10,000 clients), too dear for every registration. So the store keeps an
// estimate, one row of oauth_registration_windows that only grows (one atomic increment per
// registration, on any node): a client used or deleted is not subtracted, so while the estimate is
// within the cap the true number is too. Past the cap (or when the row is new) the clients are
// counted exactly, with the row locked, and the estimate set to the count: registrations go on while
// the count is under the cap. Registrations under way at the moment of a count may pass the cap by
// their number. A node that found the store full refuses without counting for fullRecheckMs, unless
// it sees a client used or deleted first.
import { sql } from 'drizzle-orm';
import { fail } from '../../errors/fail.js';
import type { Db } from '../../store/db.js';

export interface ClientCapLimits {
  /** Registered clients never used, for the whole cluster. */
  unusedClients: number;
  /** A client never used is deleted this long after it registered. */
  unusedClientTtlMs: number;
  /** Once full, this node refuses without counting for this long. */
  fullRecheckMs: number;
}

export const CLIENT_CAP_LIMITS: Readonly<ClientCapLimits> = {
  unusedClients: 10_000,
  unusedClientTtlMs: 24 * 60 * 60 * 1000,
  fullRecheckMs: 5_000,
};

/** The estimate's row: no client address (client-bucket.ts) is written so. */
const KEY = '*unused_clients';
/** Retry-After when full: until the oldest unused client expires, at most this. */
const MAX_RETRY_MS = 10 * 60_000;

const UNUSED = sql`not exists (select 1 from oauth_codes k where k.client_id = c.id)
  and not exists (select 1 from oauth_refresh_tokens r where r.client_id = c.id)`;

const rowsOf = (result: unknown): Record<string, unknown>[] => {
  const r = result as { rows?: Record<string, unknown>[] };
  return r.rows ?? (result as Record<string, unknown>[]);
};

export class ClientCap {
  readonly limits: ClientCapLimits;
  private fullUntil = 0;
  private retryAt = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    limits: Partial<ClientCapLimits> = {},
  ) {
    this.limits = { ...CLIENT_CAP_LIMITS, ...limits };
  }

  /** A client obtained a code on this node: it no longer counts, so the next registration counts again. */
  used(): void {
    this.fullUntil = 0;
  }

  private get cutoff(): string {
    return new Date(this.now() - this.limits.unusedClientTtlMs).toISOString();
  }

  /** Deletes the clients never used that registered longer than unusedClientTtlMs ago. */
  async sweep(): Promise<void> {
    const gone = rowsOf(await this.db.execute(sql`delete from oauth_clients c where c.created_at < ${this.cutoff}::timestamptz and ${UNUSED} returning c.id`));
    if (gone.length > 0) this.fullUntil = 0;
  }

  /** Admits one registration, or throws 429 oauth_clients_full (with retry_after_ms). */
  async admit(): Promise<void> {
    await this.sweep();
    if (this.fullUntil > this.now()) throw this.full();
    const [row] = rowsOf(
      await this.db.execute(
        sql`insert into oauth_registration_windows (client, attempts, window_started_at) values (${KEY}, 1, now())
          on conflict (client) do update set attempts = oauth_registration_windows.attempts + 1, window_started_at = now()
          returning attempts`,
      ),
    );
    const estimate = Number(row.attempts);
    // a new row knows nothing of the clients before it (the first registration, or the per-address
    // windows' sweep took it after 10 quiet minutes): count, as past the cap
    if (estimate !== 1 && estimate <= this.limits.unusedClients) return;
    const wait = await this.recount();
    if (wait > 0) {
      this.fullUntil = this.now() + this.limits.fullRecheckMs;
      this.retryAt = this.now() + wait;
      throw this.full();
    }
  }

  /** The exact count, with the estimate's row locked; the estimate set to it. 0: admitted; else ms to wait. */
  private async recount(): Promise<number> {
    const { unusedClients, unusedClientTtlMs } = this.limits;
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select attempts from oauth_registration_windows where client = ${KEY} for update`);
      const [c] = rowsOf(
        await tx.execute(
          sql`select count(*)::int as n, (extract(epoch from min(c.created_at)) * 1000)::float8 as oldest
            from oauth_clients c where c.created_at >= ${this.cutoff}::timestamptz and ${UNUSED}`,
        ),
      );
      const n = Number(c.n);
      const admitted = n < unusedClients;
      await tx.execute(sql`update oauth_registration_windows set attempts = ${admitted ? n + 1 : n}, window_started_at = now() where client = ${KEY}`);
      if (admitted) return 0;
      const oldest = c.oldest === null ? Number.NaN : Number(c.oldest);
      const untilFree = Number.isFinite(oldest) ? oldest + unusedClientTtlMs - this.now() : MAX_RETRY_MS;
      return Math.min(MAX_RETRY_MS, Math.max(1000, untilFree));
    });
  }

  private full() {
    const wait = Math.max(1000, this.retryAt - this.now());
    return fail('oauth_clients_full', { limit: this.limits.unusedClients, seconds: Math.ceil(wait / 1000) }, { retry_after_ms: wait });
  }
}
