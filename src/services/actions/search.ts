// Plain-language search over a connector's action catalogue, shared by GET /actions?search=,
// POST /actions/search and the MCP server's <connector>_search_actions tool: the ranking
// (search-rank.ts), then its first candidates ordered again by what the connector's labelled requests
// taught (search-rerank.ts), when it has some.
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';
import { searchModel } from './search-model.js';
import { rankActions, searchIndex } from './search-rank.js';
import { RERANK_DEPTH, rerank } from './search-rerank.js';

export const SEARCH_DEFAULT_TOP_K = 5;

export function searchActions(connector: ConnectorDefinition, query: string, topK = SEARCH_DEFAULT_TOP_K): { action: ConnectorAction; score: number }[] {
  const model = searchModel(connector);
  if (model === null) return rankActions(connector, query, topK);
  return rerank(model, searchIndex(connector), query, rankActions(connector, query, Math.max(topK, RERANK_DEPTH))).slice(0, topK);
}
