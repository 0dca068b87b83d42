// What a provider's answers teach about a linked account's key, written back to the account:
//   401 → status `error` + status_reasons + an `account.updated` webhook (one write per account
//         at a time, however many calls got the 401)
//   2xx on an account in `error` only for a refused key → `active` again (+ webhook)
// Neither touches an account whose key was replaced or deleted meanwhile; both drop the
// caller's cached copy of the account (onChanged) before and after.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { accounts } from '../../store/schema.js';
import { type AccountRow, accountView } from './account-view.js';
import { type RequestTrace, warnFor } from '../logs/request-trace.js';
import type { WebhookService } from '../webhooks/webhooks.js';

const KEY_REJECTED_CODES: ReadonlySet<string> = new Set(['invalid_key', 'expired_key']);

export class KeyVerdicts {
  private readonly rejecting = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly webhooks: WebhookService,
    private readonly onChanged: (accountId: string) => void,
    private readonly warn: (msg: string) => void,
  ) {}

  /** 401: status error + reason + account.updated webhook, unless the key changed meanwhile. */
  rejected(account: { row: AccountRow }, code: string, description: string, trace?: RequestTrace): Promise<void> {
    const id = account.row.id;
    this.onChanged(id);
    let p = this.rejecting.get(id);
    if (p) return p;
    p = (async () => {
      try {
        const now = new Date();
        let changed = false;
        await this.db.transaction(async (tx) => {
          const [cur] = await tx.select().from(accounts).where(eq(accounts.id, id)).limit(1).for('update');
          if (!cur || cur.secretCiphertext !== account.row.secretCiphertext) return; // key replaced or deleted meanwhile
          if (cur.status === 'error' && cur.statusReasons.length === 1 && cur.statusReasons[0].code === code) return;
          const [row] = await tx
            .update(accounts)
            .set({ status: 'error', statusReasons: [{ code, description, timestamp: now.toISOString() }], updatedAt: now })
            .where(eq(accounts.id, id))
            .returning();
          await this.webhooks.enqueue(tx, row.projectId, 'account.updated', accountView(row));
          changed = true;
        });
        if (changed) this.webhooks.onEnqueued();
      } catch (e) {
        warnFor(trace, this.warn)(`could not mark account ${id} as error after a 401: ${(e as Error).message}`);
      } finally {
        this.rejecting.delete(id);
        this.onChanged(id);
      }
    })();
    this.rejecting.set(id, p);
    return p;
  }

  /** A 2xx with a key the provider had refused: back to active (reasons from a 401/test only). */
  async recovered(account: { row: AccountRow }, trace?: RequestTrace): Promise<void> {
    const reasons = account.row.statusReasons;
    if (reasons.length === 0 || !reasons.every((r) => KEY_REJECTED_CODES.has(r.code))) return;
    const id = account.row.id;
    try {
      const now = new Date();
      let changed = false;
      await this.db.transaction(async (tx) => {
        const [row] = await tx
          .update(accounts)
          .set({ status: 'active', statusReasons: [], lastVerifiedAt: now, updatedAt: now })
          .where(and(eq(accounts.id, id), eq(accounts.status, 'error'), eq(accounts.secretCiphertext, account.row.secretCiphertext)))
          .returning();
        if (!row) return;
        await this.webhooks.enqueue(tx, row.projectId, 'account.updated', accountView(row));
        changed = true;
      });
      if (changed) this.webhooks.onEnqueued();
    } catch (e) {
      warnFor(trace, this.warn)(`could not restore account ${id} to active: ${(e as Error).message}`);
    }
    this.onChanged(id);
  }

  /** Waits for the 401 write-backs in flight (shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.rejecting.values()]);
  }
}
