// What the agent gate (./gate.ts) is asked about and answers, shared with the approvals it holds
// calls in (./approvals.ts) without either importing the other.
import type { ConnectorAction } from '../../connectors/types.js';
import type { HeldRequest } from '../../store/schema.js';
import type { CachedAccount } from '../calls/account-cache.js';
import type { CallTarget } from '../calls/caller.js';
import type { AgentPrincipal } from './tokens.js';

export interface GatedCall {
  principal: AgentPrincipal;
  account: CachedAccount;
  target: CallTarget;
  method: string;
  /** The guarded path with its query string. */
  path: string;
  /** The action, when the surface names it (rpc, MCP); else matched from method and path. */
  action?: ConnectorAction | null;
  /** A parameter of the call by name (query or body; path parameters are added by the gate); UNCLEAR: see form-params.ts. */
  param: (name: string) => unknown;
  /** The body as it will be sent (what, with the method, path and idempotency key, names the call). */
  body: string | Buffer | null;
  /** The caller's headers as they will be forwarded. */
  headers: Readonly<Record<string, string>> | undefined;
  /** The request as it will be sent, for an approval to send later. */
  held: () => HeldRequest;
  idempotencyKey: string | null;
}

/**
 * What the surface does next: send (and call `settle` with the provider's status: 0 when nothing was
 * sent, -1 when it was sent and no answer came), or answer a stored result.
 */
export type GateOutcome =
  | { kind: 'send'; settle: (status: number) => Promise<void> }
  | { kind: 'answered'; status: number; body: string; requestId: string | null; idempotencyKey: string | null };
