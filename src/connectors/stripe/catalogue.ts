// Stripe's generated actions (actions.ts) as the connector contract's catalogue, and how Stripe's
// lists page: `{object: 'list', data, has_more}` by the last item's id (starting_after), or search
// results `{data, has_more, next_page}` by page token.
import type { ActionCatalogue, ConnectorAction, ConnectorActions } from '../actions.js';
import { type StripeAction, stripeActions } from './actions.js';
import { stripeVocabulary } from './search-vocabulary.js';

/** The generator's note on operations Stripe refuses to every restricted key. */
const CLOSED_NOTE = /Not available to restricted keys/;

function toAction(a: StripeAction): ConnectorAction {
  const action: ConnectorAction = {
    name: a.name,
    operationId: a.operationId,
    method: a.method,
    path: a.path,
    label: a.label,
    description: a.description,
    access: a.access,
    permission: a.permission ? `rak_${a.permission}` : null,
    closedToRestrictedKeys: a.permission === null && CLOSED_NOTE.test(a.permissionNote ?? ''),
    list: a.list,
    pagination: a.pagination,
    deprecated: a.deprecated,
    input: a.input,
  };
  if (a.deprecationReason !== undefined) action.deprecationReason = a.deprecationReason;
  if (a.baseUrl !== undefined) action.baseUrl = a.baseUrl;
  if (a.contentType !== undefined) action.contentType = a.contentType;
  if (a.responseContentType !== undefined) action.responseContentType = a.responseContentType;
  return Object.freeze(action);
}

let catalogue: ActionCatalogue | null = null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const stripeActionsContract: ConnectorActions = {
  prefix: 'stripe_',
  catalogue() {
    if (catalogue === null) {
      const actions = Object.freeze(stripeActions().map(toAction));
      catalogue = Object.freeze({ actions, byName: new Map(actions.map((a) => [a.name, a])) });
    }
    return catalogue;
  },
  withCursor(action, query, next) {
    if (action.pagination === 'page') return { ...(query ?? {}), page: next };
    const q: Record<string, unknown> = { ...(query ?? {}), starting_after: next };
    delete q.ending_before;
    return q;
  },
  readList(action, answer, path) {
    if (!isObject(answer) || !Array.isArray(answer.data)) return null;
    const items = answer.data as unknown[];
    let next: string | null = null;
    if (action.pagination === 'page') next = answer.has_more === true && typeof answer.next_page === 'string' ? answer.next_page : null;
    else if (action.pagination === 'cursor' && answer.has_more === true && !/[?&]ending_before=/.test(path)) {
      // Paging backwards (ending_before) has no "next" in this direction.
      const last = items[items.length - 1];
      next = isObject(last) && typeof last.id === 'string' ? last.id : null;
    }
    return { items, next };
  },
  vocabulary: stripeVocabulary,
};
