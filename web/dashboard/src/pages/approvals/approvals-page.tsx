// Calls an agent policy held for a person to decide: pending ones first, each with its account,
// token, action, amount, reason and the full request as Linkhub will send it; Approve (Linkhub
// sends it once, with its idempotency key) or Deny. Decided ones show their outcome.
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage, type Approval } from '../../api.js';
import { announce } from '../../components/announcer.js';
import { ErrorAlert } from '../../components/display.js';
import { POLL_MS, usePoll } from '../../hooks/use-poll.js';
import type { PageProps } from '../../page.js';
import { ApprovalCard, type Decision } from './approval-card.js';

/** Pending first (oldest waiting first), then decided ones, newest first. */
function ordered(list: Approval[]): Approval[] {
  const pending = list.filter((a) => a.status === 'pending').reverse();
  return [...pending, ...list.filter((a) => a.status !== 'pending')];
}

export function ApprovalsPage(_p: PageProps) {
  const [list, setList] = useState<Approval[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load() {
    try {
      setList(ordered(await api<Approval[]>('GET', '/approvals?limit=200')));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  useEffect(() => void load(), []);
  usePoll(load, POLL_MS);

  async function decide(a: Approval, decision: Decision) {
    const at = `/approvals/${encodeURIComponent(a.id)}`;
    if (decision === 'applied' || decision === 'not_applied') {
      await api<Approval>('POST', `${at}/reconcile`, { outcome: decision });
      announce(decision === 'applied' ? 'Recorded as applied: it will not be sent again' : 'Recorded as not applied: it will not be sent again');
      await load();
      return;
    }
    const done = await api<Approval>('POST', `${at}/${decision}`);
    const outcome =
      done.status === 'executed'
        ? 'sent'
        : done.result?.status === 0
          ? `not sent: ${done.result.error ?? 'the provider was unreachable'}`
          : 'the provider refused it';
    announce(decision === 'approve' ? `Approved: ${outcome}` : 'Denied: it will not be sent');
    await load();
  }

  const pending = list?.filter((a) => a.status === 'pending').length ?? 0;
  return (
    <div>
      <p class="muted">
        A call above an agent policy's approval threshold waits here. Approving sends it once, with its idempotency key; the agent repeats its call with the
        same Idempotency-Key to get the answer.
      </p>
      <ErrorAlert error={error} />
      {list && (
        <p role="status" class="strong">
          {pending === 0 ? 'Nothing waits for approval.' : `${pending} waiting for approval`}
        </p>
      )}
      {!list && !error && <p class="muted">Loading…</p>}
      <div class="approvals">
        {(list ?? []).map((a) => (
          <ApprovalCard key={a.id} approval={a} onDecide={(d) => decide(a, d)} />
        ))}
      </div>
    </div>
  );
}
