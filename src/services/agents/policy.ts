// What an agent policy allows, decided without the network or the store: allowed and denied actions
// (names and `*` globs), read-only, and which money rule applies. The amounts themselves (caps,
// daily totals, approvals) are checked by ./gate.ts.
//
// A call whose action is unknown (a proxy or /v1 path no catalogue action matches) is judged by its
// method alone: with `read_only` only GET passes, and with an `allow` list nothing unknown passes
// (an allow list names what may be done; an unrecognised call is not on it).
import type { AgentPolicyData } from '../../store/schema.js';

export type AgentPolicy = AgentPolicyData;

export type PolicyVerdict = { ok: true } | { ok: false; code: 'read_only' | 'not_allowed' | 'denied' | 'method_override'; reason: string };

/**
 * Whether `name` matches `pattern`, where `*` stands for any run of characters (none included).
 * Written by hand, not as a regular expression: `.*` repeated backtracks exponentially on a miss (a
 * policy of eleven stars held the node 3 s per call, twenty would hold it for ever), and a compiled
 * pattern per policy string grew a cache without bound. This walk backtracks only to the last star,
 * so it takes at most name × pattern steps (200 × 200 at the schema's bounds) and allocates nothing.
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1; // the last star seen in the pattern
  let resume = 0; // where in the name that star's run would end next
  while (n < name.length) {
    if (p < pattern.length && pattern.charCodeAt(p) !== 42 /* * */ && pattern.charCodeAt(p) === name.charCodeAt(n)) {
      p++;
      n++;
    } else if (p < pattern.length && pattern.charCodeAt(p) === 42) {
      star = p++;
      resume = n;
    } else if (star !== -1) {
      p = star + 1; // the last star takes one character more
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 42) p++;
  return p === pattern.length;
}

export const matchesAny = (name: string, patterns: readonly string[] | undefined): boolean => (patterns ?? []).some((p) => globMatch(p, name));

export interface JudgedCall {
  method: string;
  /** The catalogue action the call is, or null when none matches. */
  action: { name: string; access: 'read' | 'write' } | null;
  /**
   * The parameters carry `_method`: a server honouring it (Rack's MethodOverride; a provider's browser
   * script once sent writes as GETs with it) would do another method than the one judged.
   */
  methodOverride?: boolean;
}

/** Whether the policy lets this call through (before any money rule). */
export function judge(policy: AgentPolicy | null, call: JudgedCall): PolicyVerdict {
  if (!policy) return { ok: true };
  if (call.methodOverride) return { ok: false, code: 'method_override', reason: 'the call names another method in its _method parameter' };
  const name = call.action?.name ?? null;
  const reads = call.action ? call.action.access === 'read' : call.method === 'GET';
  if (policy.read_only && !reads) {
    return { ok: false, code: 'read_only', reason: `the token is read-only and ${name ?? `${call.method} of this path`} writes` };
  }
  if (name && matchesAny(name, policy.deny)) return { ok: false, code: 'denied', reason: `${name} is denied` };
  if (policy.allow && policy.allow.length > 0) {
    if (!name) return { ok: false, code: 'not_allowed', reason: `${call.method} of this path is no action the policy allows` };
    if (!matchesAny(name, policy.allow)) return { ok: false, code: 'not_allowed', reason: `${name} is not among the allowed actions` };
  }
  return { ok: true };
}

/** Whether any money rule is set (then money-moving calls are measured against it). */
export const hasMoneyRules = (policy: AgentPolicy | null): policy is AgentPolicy & { money: NonNullable<AgentPolicy['money']> } =>
  !!policy?.money && Object.keys(policy.money).length > 0;
