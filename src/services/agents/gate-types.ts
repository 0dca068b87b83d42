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
  /** A parameter of the call by name (query or body; path parameters are added by the gate); UNCLEAR: see formParam. */
  param: (name: string) => unknown;
  /** The request as it will be sent, for an approval to send later. */
  held: () => HeldRequest;
  idempotencyKey: string | null;
}

/** What the surface does next: send (and call `settle` with the provider's status), or answer a stored result. */
export type GateOutcome =
  | { kind: 'send'; settle: (status: number) => Promise<void> }
  | { kind: 'answered'; status: number; body: string; requestId: string | null };

/** A parameter the provider may read otherwise than the gate would (see formParam): the gate cannot tell the call's amount. */
export const UNCLEAR: unique symbol = Symbol('unclear');

/**
 * A parameter of a form, query string or payload as the gate may rely on it: its one value; UNCLEAR when
 * the provider's parser may read another: the name is repeated (a parser keeps the first or the last:
 * `amount=1&amount=90000` must not pass as 1), another key reads as the same name to an older nested
 * parser (Rack 2 takes `[amount]` and `amount]` for `amount`; `amount[x]` makes it an object), or
 * `unclear` says these values may not be the ones the provider reads (a write's query: the provider may
 * take it or ignore it).
 */
export function formParam<V>(entries: Iterable<[string, V]>, name: string, unclear = false): V | typeof UNCLEAR | undefined {
  let value: V | undefined;
  let seen = 0;
  for (const [key, v] of entries) {
    if (key === name) {
      value = v;
      seen++;
    } else if (key.startsWith(name) || key.startsWith('[') || key.startsWith(']')) {
      if (BASE_NAME.exec(key)?.[1] === name) return UNCLEAR;
    }
  }
  if (seen === 0) return undefined;
  return seen > 1 || unclear ? UNCLEAR : value;
}

/** The name a nested-parameter parser files a key under: `[amount]`, `amount]`, `amount[x]` → `amount`. */
const BASE_NAME = /^[[\]]*([^[\]]+)/;

/** Whether a call's parameters are its query's (reads and deletes), not its body's. */
export const paramsInQuery = (method: string): boolean => method === 'GET' || method === 'DELETE';
