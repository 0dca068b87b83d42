// The actions of every connector, behind one service: GET /actions (listing), POST /actions/rpc and
// MCP tools/call (executor), POST /actions/search and MCP search (search), and what is known about
// an account's key (availability marks).
import { connectors, getConnector } from '../../connectors/registry.js';
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';
import type { AgentGate } from '../agents/gate.js';
import type { AccountCaller } from '../calls/caller.js';
import type { KeyKnowledge } from '../calls/key-knowledge.js';
import { ActionExecutor, type ExecuteInput, type ExecuteResult } from './executor.js';
import { ActionListing, type ListActionsInput } from './listing.js';
import { searchActions } from './search.js';

export type { ExecuteInput, ExecuteResult } from './executor.js';
export type { ListActionsInput } from './listing.js';

export interface SearchHit {
  connector: ConnectorDefinition;
  action: ConnectorAction;
  score: number;
}

export class ActionService {
  private readonly executor: ActionExecutor;
  private readonly listing: ActionListing;

  constructor(
    private readonly caller: AccountCaller,
    publicUrl: () => string,
    gate: AgentGate,
  ) {
    this.executor = new ActionExecutor(caller, gate);
    this.listing = new ActionListing(publicUrl, (projectId, accountId) => caller.knowledge(projectId, accountId));
  }

  execute(input: ExecuteInput): Promise<ExecuteResult> {
    return this.executor.execute(input);
  }

  list(input: ListActionsInput): Promise<{ data: Record<string, unknown>[]; next: string | null }> {
    return this.listing.list(input);
  }

  knowledge(projectId: string, accountId: string): Promise<KeyKnowledge> {
    return this.caller.knowledge(projectId, accountId);
  }

  /** Best matches for a plain-language query, in one connector's catalogue or all of them (best first). */
  search(query: string, opts: { connector?: string | null; topK: number }): SearchHit[] {
    const scope = opts.connector ? [getConnector(opts.connector)].filter((c) => c !== undefined) : connectors();
    return scope
      .flatMap((connector) => searchActions(connector, query, opts.topK).map((m) => ({ connector, ...m })))
      .sort((x, y) => y.score - x.score)
      .slice(0, opts.topK);
  }
}
