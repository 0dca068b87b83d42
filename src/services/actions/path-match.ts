// Which catalogue action a raw call is (method + path), with the path's parameters: how agent
// policies judge calls made through the proxy and the provider-native paths, where the caller
// names no action. A tree of path segments per method; a literal segment wins over a parameter
// (`/v1/customers/search` is the search action, not a retrieve of customer "search").
import type { ConnectorAction } from '../../connectors/types.js';

interface Node {
  literal: Map<string, Node>;
  param: { name: string; node: Node } | null;
  action: ConnectorAction | null;
}

const node = (): Node => ({ literal: new Map(), param: null, action: null });

export interface MatchedAction {
  action: ConnectorAction;
  /** Path parameters by the template's names (decoded). */
  params: Record<string, string>;
}

/**
 * A segment as a lenient router may read it: decoded, without case, up to where a name could not go
 * on (every literal segment of a catalogue is `[a-z0-9_]+`): `Refunds;x`, `refunds.xml` (a router's
 * `(.:format)`), `refunds%3Bx`, `refunds~` are all `refunds`.
 */
const looseSegment = (seg: string): string => /^[a-z0-9_]*/.exec(safeDecode(seg).toLowerCase())![0];

export class ActionMatcher {
  private readonly roots = new Map<string, Node>();

  /**
   * `loose`: literal segments compared as looseSegment reads them (path parameters keep their case):
   * which action a call that is none exactly resembles, for a policy to judge it as that action.
   */
  constructor(
    actions: readonly ConnectorAction[],
    private readonly loose = false,
  ) {
    for (const a of actions) {
      // an action served from another origin (a file upload) is matched too: the provider's SDK sends
      // it to that host, and Linkhub's native path forwards it there (a root action of the same
      // template wins below)
      let n = this.roots.get(a.method) ?? node();
      this.roots.set(a.method, n);
      for (const seg of a.path.split('/').filter(Boolean)) {
        const m = /^\{(.+)\}$/.exec(seg);
        if (m) {
          n.param ??= { name: m[1], node: node() };
          n = n.param.node;
        } else {
          const key = loose ? looseSegment(seg) : seg;
          let next = n.literal.get(key);
          if (!next) {
            next = node();
            n.literal.set(key, next);
          }
          n = next;
        }
      }
      // the first action of a template wins (the catalogue lists the current one before a deprecated twin)
      if (!n.action || (n.action.deprecated && !a.deprecated) || (n.action.baseUrl && !a.baseUrl)) n.action = a;
    }
  }

  /** The action for `method` and a path (query string ignored), or null. */
  match(method: string, pathWithQuery: string): MatchedAction | null {
    const root = this.roots.get(method.toUpperCase());
    if (!root) return null;
    const q = pathWithQuery.indexOf('?');
    const segs = (q === -1 ? pathWithQuery : pathWithQuery.slice(0, q)).split('/').filter(Boolean);
    const params: Record<string, string> = {};
    const walk = (n: Node, i: number): ConnectorAction | null => {
      if (i === segs.length) return n.action;
      const lit = n.literal.get(this.loose ? looseSegment(segs[i]) : segs[i]);
      if (lit) {
        const hit = walk(lit, i + 1);
        if (hit) return hit;
      }
      if (n.param) {
        const hit = walk(n.param.node, i + 1);
        if (hit) {
          params[n.param.name] = safeDecode(this.loose ? segs[i].replace(/;.*$/, '') : segs[i]);
          return hit;
        }
      }
      return null;
    };
    const action = walk(root, 0);
    return action ? { action, params } : null;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
