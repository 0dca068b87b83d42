// GET /actions: the catalogue as StackOne's ActionsMeta, one per connector (or one per linked
// account with filter[account_ids], its actions then marked available / unavailable / unknown for
// that account's key), paged across metas with an opaque `next` offset.
import { connectors, getConnector, logoPath } from '../../connectors/registry.js';
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';
import { fail } from '../../errors/fail.js';
import type { KeyKnowledge } from '../calls/key-knowledge.js';
import { availability } from './availability.js';
import { searchActions } from './search.js';

export interface ListActionsInput {
  projectId: string;
  /** filter[connectors] */
  connectors?: string[];
  /** filter[account_ids]: one ActionsMeta per account, actions marked available/unavailable/unknown */
  accountIds?: string[];
  /** filter[action_key]: action ids (with or without the connector's prefix) */
  actionKeys?: string[];
  search?: string;
  /** operation_details / action_details (input schema, method, path), authentication_guides */
  include?: string[];
  /** `actions`: metas without their actions */
  exclude?: string[];
  pageSize: number;
  next?: string | null;
}

/** One ActionsMeta to be: a connector, for one account (its key knowledge) or for all. */
interface Owner {
  connector: ConnectorDefinition;
  key: KeyKnowledge | null;
  actions: readonly ConnectorAction[];
}

/** The connector's actions left by the key and search filters. */
function selected(connector: ConnectorDefinition, input: ListActionsInput): readonly ConnectorAction[] {
  const all = connector.actions.catalogue().actions;
  let actions = all;
  const prefix = connector.actions.prefix;
  if (input.actionKeys?.length) {
    const keys = new Set(input.actionKeys.map((k) => (k.startsWith(prefix) ? k : prefix + k)));
    actions = actions.filter((a) => keys.has(a.name));
  }
  if (input.search?.trim()) {
    const allowed = new Set(actions.map((a) => a.name));
    actions = searchActions(connector, input.search, all.length)
      .filter((m) => allowed.has(m.action.name))
      .map((m) => m.action);
  }
  return actions;
}

function decodeNext(next: string): number {
  const n = Number(Buffer.from(next, 'base64url').toString('utf8').replace(/^o:/, ''));
  if (!Number.isInteger(n) || n < 0) throw fail('invalid_cursor', { field: 'next', route: 'GET /actions' }, { field: 'next' });
  return n;
}

export class ActionListing {
  constructor(
    private readonly publicUrl: () => string,
    private readonly knowledge: (projectId: string, accountId: string) => Promise<KeyKnowledge>,
  ) {}

  async list(input: ListActionsInput): Promise<{ data: Record<string, unknown>[]; next: string | null }> {
    const wanted = input.connectors?.length ? new Set(input.connectors) : null;
    const owners: Owner[] = [];
    if (input.accountIds?.length) {
      for (const id of [...new Set(input.accountIds)]) {
        const key = await this.knowledge(input.projectId, id);
        const connector = getConnector(key.provider);
        if (connector && (!wanted || wanted.has(connector.key))) owners.push({ connector, key, actions: selected(connector, input) });
      }
    } else {
      for (const connector of connectors())
        if (!wanted || wanted.has(connector.key)) owners.push({ connector, key: null, actions: selected(connector, input) });
    }

    const withActions = !(input.exclude ?? []).includes('actions');
    const sizes = owners.map((o) => (withActions ? o.actions.length : 1));
    const total = sizes.reduce((x, y) => x + y, 0);
    const offset = input.next ? decodeNext(input.next) : 0;
    const end = Math.min(total, offset + input.pageSize);
    const include = new Set(input.include ?? []);
    const details = include.has('operation_details') || include.has('action_details');
    const data: Record<string, unknown>[] = [];
    // Walk the owners, each covering `sizes[o]` positions of the flat list.
    for (let o = 0, start = 0; o < owners.length && start < end; start += sizes[o], o++) {
      const from = Math.max(offset, start) - start;
      const to = Math.min(end, start + sizes[o]) - start;
      if (to <= from) continue;
      const owner = owners[o];
      const meta = this.meta(owner, include);
      if (withActions) meta.actions = owner.actions.slice(from, to).map((a) => this.actionView(owner, a, details, include));
      data.push(meta);
    }
    const next = end < total ? Buffer.from(`o:${end}`).toString('base64url') : null;
    return { data, next };
  }

  private meta({ connector: c, key }: Owner, include: Set<string>): Record<string, unknown> {
    return {
      key: c.key,
      name: c.name,
      description: c.description,
      icon: this.publicUrl() + logoPath(c),
      version: '1',
      release_stage: 'ga',
      integration_id: key ? `${c.key}-${key.environment}` : null,
      account_id: key?.accountId ?? null,
      authentication: [
        {
          key: c.authConfigKey,
          label: c.field.label,
          type: 'custom',
          required_scopes: [],
          support: include.has('authentication_guides') ? { link: c.supportLink, description: c.field.guide } : { link: c.supportLink },
        },
      ],
      // Linkhub: what is known about this account's key.
      ...(key
        ? {
            key_type: key.keyType,
            account_status: key.status,
            missing_permissions: [...key.missing].sort(),
            granted_permissions: [...key.granted].sort(),
          }
        : {}),
    };
  }

  private actionView({ connector, key }: Owner, a: ConnectorAction, details: boolean, include: Set<string>): Record<string, unknown> {
    const view: Record<string, unknown> = {
      id: a.name,
      label: a.label,
      description: a.description,
      schema_type: 'native',
      tags: [a.access, a.path.split('/')[2] ?? connector.key, ...(a.list ? ['list'] : []), ...(a.deprecated ? ['deprecated'] : [])],
      required_scopes: a.permission ? [a.permission] : [],
      access: a.access,
      ...(a.deprecated ? { deprecated: true } : {}),
    };
    if (key) Object.assign(view, availability(connector, a, key));
    if (details) {
      const d = {
        method: a.method,
        path: a.path,
        permission: a.permission,
        permission_label: a.permission ? connector.api.permissions.label(a.permission) : null,
        list: a.list,
        pagination: a.pagination,
        input_schema: a.input,
      };
      if (include.has('operation_details')) view.operation_details = d;
      if (include.has('action_details')) view.action_details = d;
    }
    return view;
  }
}
