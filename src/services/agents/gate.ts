// The agent policy at the door of every surface an agent token can use (the provider-native paths,
// the proxy, actions and MCP): one check before a call is sent.
//   1. which action the call is (named by rpc/MCP; matched from method + path otherwise);
//   2. allowed / denied / read-only (./policy.ts) → 403 policy_denied;
//   3. for a money-moving action (the connector's money rules) under a policy with money rules:
//      its amount and currency (from the call, else read from the object it acts on), then
//      no limit for the currency or above `per_call` → 403 spend_cap_exceeded;
//      above `approval_above` (or an amount that cannot be told) → held: 403 approval_required;
//      above `per_day` with the last 24 hours → 403 spend_cap_exceeded;
//      else the amount is written to the day's total (taken back if the provider refuses the call).
// A call repeated with the Idempotency-Key of a held one gets that approval's state instead:
// still pending, denied, or the provider's answer to the approved call (sent once, by the approver).
import type { ConnectorDefinition, MoneyRule } from '../../connectors/types.js';
import { fail, LinkhubError } from '../../errors/fail.js';
import type { AgentPolicyData, HeldRequest } from '../../store/schema.js';
import { ActionMatcher, type MatchedAction } from '../actions/path-match.js';
import type { CachedAccount } from '../calls/account-cache.js';
import type { AccountCaller, CallTarget } from '../calls/caller.js';
import { keyScope, refuseOtherContext } from '../calls/context-headers.js';
import type { Actor } from '../logs/actor.js';
import type { ApprovalService } from './approvals.js';
import { callParams, METHOD_OVERRIDE, UNCLEAR } from './form-params.js';
import { nothingMoved } from './stored-answer.js';
import type { GatedCall, GateOutcome } from './gate-types.js';
import { hasMoneyRules, judge } from './policy.js';
import { callDigest, type SpendLedger } from './spend.js';
import type { AgentPrincipal } from './tokens.js';

export type { GatedCall, GateOutcome } from './gate-types.js';

const SEND: GateOutcome = { kind: 'send', settle: async () => {} };

/** `unchanged`: an update (whenGiven) that gives no amount and the currency the object already has: it moves nothing new. */
type Money = { amount: number; currency: string; unchanged?: boolean };

/** A parameter not given (an empty value is how a form unsets one). */
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';

/** The connector's money rule for an action (an own key only: no `constructor` from the prototype). */
function ruleOf(connector: ConnectorDefinition, action: string): MoneyRule | undefined {
  const money = connector.agents?.money;
  return money && Object.hasOwn(money, action) ? money[action] : undefined;
}

/** The parameters of a money rule a call gives so that the provider may read them otherwise (UNCLEAR, form-params.ts). */
function unclearNames(rule: MoneyRule, param: (name: string) => unknown): string[] {
  const names = [...(rule.amount ?? []), ...(rule.currency ? [rule.currency] : []), ...(rule.lookup ?? []).map((l) => l.id)];
  return [...new Set(names)].filter((n) => param(n) === UNCLEAR);
}

/** A field of an object by a dotted path (`pending_request.amount`). */
function field(obj: unknown, path: string): unknown {
  let v = obj;
  for (const k of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

export class AgentGate {
  private readonly matchers = new Map<string, ActionMatcher>();
  private readonly looseMatchers = new Map<string, ActionMatcher>();
  /** Per connector: where money moves (`all`), and of those its own `moneyAreas` (`declared`: any write, known action or not). */
  private readonly moneyAreas = new Map<string, { all: string[]; declared: string[] }>();

  constructor(
    private readonly calls: AccountCaller,
    private readonly spend: SpendLedger,
    private readonly approvals: ApprovalService,
  ) {}

  /** The policy in force: the token's own, else the account's agent policy, else none. */
  policyOf(principal: AgentPrincipal, account: CachedAccount): AgentPolicyData | null {
    return principal.policy ?? account.row.agentPolicy ?? null;
  }

  /**
   * Whether a path is where the connector moves money: under a resource one of its money-moving
   * actions acts on (`/v1/payment_intents/…`, `/v1/invoices/…`: the template up to its first
   * parameter) or one of its `moneyAreas`.
   */
  private inMoneyArea(connector: ConnectorDefinition, pathWithQuery: string, declaredOnly = false): boolean {
    let areas = this.moneyAreas.get(connector.key);
    if (!areas) {
      const roots = connector.actions
        .catalogue()
        .actions.filter((a) => ruleOf(connector, a.name))
        .map((a) => a.path.split('/{')[0].replace(/\/$/, '').toLowerCase());
      const declared = (connector.agents?.moneyAreas ?? []).map((a) => a.toLowerCase().replace(/\/$/, ''));
      areas = { all: [...new Set([...declared, ...roots])], declared };
      this.moneyAreas.set(connector.key, areas);
    }
    // compared without case or `;parameters`: a provider that routes `/v1/Payouts;x` as `/v1/payouts` must not find it outside
    const path = pathWithQuery
      .split('?')[0]
      .toLowerCase()
      .replace(/;[^/]*/g, '');
    // an area ends where a name could not go on (`/v1/payouts.json`, `/v1/payouts%20` are in it; `/v1/payouts_x` is not)
    const within = (a: string) => path.startsWith(a) && !/[a-z0-9_]/.test(path.charAt(a.length));
    return (declaredOnly ? areas.declared : areas.all).some(within);
  }

  private matcher(connector: ConnectorDefinition): ActionMatcher {
    let m = this.matchers.get(connector.key);
    if (!m) {
      m = new ActionMatcher(connector.actions.catalogue().actions);
      this.matchers.set(connector.key, m);
    }
    return m;
  }

  /**
   * The action a call that is none exactly resembles (`/v1/Refunds`, `/v1/refunds.json`, `;x`, a PUT or
   * PATCH for the POST): a provider's router may take it for that action, so the policy judges it as
   * that action (a deny list would not find it otherwise), and its money rule applies.
   */
  private resembled(connector: ConnectorDefinition, method: string, path: string): MatchedAction | null {
    let m = this.looseMatchers.get(connector.key);
    if (!m) {
      m = new ActionMatcher(connector.actions.catalogue().actions, true);
      this.looseMatchers.set(connector.key, m);
    }
    return m.match(method, path) ?? (method === 'PUT' || method === 'PATCH' ? m.match('POST', path) : null);
  }

  /** The catalogue action a call to the provider's own API is, by method and path (its log and audit line name it), or null. */
  actionName(connector: ConnectorDefinition, method: string, path: string): string | null {
    return this.matcher(connector).match(method, path)?.action.name ?? null;
  }

  async check(call: GatedCall): Promise<GateOutcome> {
    try {
      return await this.judged(call);
    } catch (e) {
      // a refusal (held for approval too) is something the token did: in the call log under its id, not in
      // the credential audit trail (no key was used)
      if (e instanceof LinkhubError) {
        this.calls.noteRefused(call.target, call.account, call.method, call.path, e.code, typeof call.body === 'string' ? call.body : null);
      }
      throw e;
    }
  }

  private async judged(call: GatedCall): Promise<GateOutcome> {
    const policy = this.policyOf(call.principal, call.account);
    if (!policy) return SEND;
    const connector = call.account.profile.connector;
    let action = call.action ?? null;
    let pathParams: Record<string, string> = {};
    if (!action) {
      const m = this.matcher(connector).match(call.method, call.path) ?? this.resembled(connector, call.method, call.path);
      action = m?.action ?? null;
      pathParams = m?.params ?? {};
    }
    const verdict = judge(policy, { method: call.method, action, methodOverride: call.param(METHOD_OVERRIDE) !== undefined });
    if (!verdict.ok) throw fail('policy_denied', { reason: verdict.reason }, { reason_code: verdict.code });
    // before it could be held: an approver must not be asked to send a call to an account the token does not name
    refuseOtherContext(connector, call.account.row.context, call.headers);
    if (!hasMoneyRules(policy)) return SEND;
    // Under spend limits, a write that is no known action where money moves may move it: its amount cannot be
    // told. So may a known action with no money rule in one of the connector's own money areas (a Treasury
    // reversal), unless the connector lists it as moving nothing.
    if (call.method === 'GET') return SEND;
    const rule = action ? ruleOf(connector, action.name) : undefined;
    if (!rule && (connector.agents?.movesNothing?.includes(action?.name ?? '') || !this.inMoneyArea(connector, call.path, action !== null))) return SEND;
    const param = (name: string): unknown => pathParams[name] ?? call.param(name);
    // judged when it sets what moves money: an amount or the currency it moves in (given even when empty:
    // an empty value unsets it, which may be a change too), or turns on what the rule names
    if (rule?.whenGiven) {
      const given = (v: unknown) => v !== undefined && v !== null;
      // `name=value`: given as that value (or unclear); `name`: given as anything but false
      const turnedOn = (n: string) => {
        const eq = n.indexOf('=');
        const v = param(eq === -1 ? n : n.slice(0, eq));
        if (!given(v)) return false;
        if (eq === -1) return v !== 'false' && v !== false;
        return v === UNCLEAR || (typeof v === 'string' && v.trim().toLowerCase() === n.slice(eq + 1));
      };
      const names = rule.whenGiven === true ? [...(rule.amount ?? []), ...(rule.currency ? [rule.currency] : [])] : rule.whenGiven;
      if (!names.some((n) => (rule.whenGiven === true ? given(param(n)) : turnedOn(n)))) return SEND;
    }

    const spender = call.principal.policy ? call.principal.tokenId : `acc:${call.account.row.id}`;
    if (call.idempotencyKey) {
      const earlier = await this.approvals.findByKey(call.account.row.id, spender, call.idempotencyKey);
      if (earlier) return this.approvals.repeated(earlier, call);
    }
    const name = action?.name ?? `${call.method} ${call.path.split('?')[0]}`;
    const money = rule ? await this.amountOf(rule, param, { target: call.target, account: call.account, headers: () => call.held().headers }) : null;
    if (money?.unchanged) return SEND; // an update that gives the currency the object already has, and no amount
    const hold = (reason: string): Promise<GateOutcome> =>
      this.approvals.hold({ call, spender, action: name, currency: money?.currency ?? 'unknown', amount: money?.amount ?? 0, reason });

    if (!money) {
      // a person deciding on a held call reads which parameter is the trouble
      const unclear = rule ? unclearNames(rule, param) : [];
      const given = unclear.length > 0 ? `${unclear.join(', ')} given more than once, or where the provider may read it otherwise: ` : '';
      const why = rule
        ? `${given}its amount cannot be told before it is sent`
        : action
          ? 'it acts where money moves, and what it moves cannot be told before it is sent'
          : 'it is no action Linkhub knows, so whether it moves money cannot be told';
      if (Object.values(policy.money).some((l) => l.approval_above !== undefined)) return hold(why);
      const reason = rule
        ? `${given}the amount of ${name} cannot be told before it is sent`
        : action
          ? `${name} acts where money moves: what it moves cannot be told before it is sent`
          : `${name} is no action Linkhub knows: whether it moves money cannot be told`;
      throw fail('spend_cap_exceeded', { reason }, { currency: null, cap: null });
    }
    const { amount, currency } = money;
    // an own key only: `constructor` or `__proto__` as a currency must find no limits
    const limits = Object.hasOwn(policy.money, currency) ? policy.money[currency] : undefined;
    const shown = `${amount} ${currency}`;
    if (!limits) throw fail('spend_cap_exceeded', { reason: `no limit is set for ${currency}, so ${shown} is refused` }, { currency, cap: 0 });
    if (limits.per_call !== undefined && amount > limits.per_call) {
      throw fail('spend_cap_exceeded', { reason: `${shown} is above the per-call cap of ${limits.per_call}` }, { currency, cap: limits.per_call });
    }
    if (limits.approval_above !== undefined && amount > limits.approval_above) return hold(`${shown} is above ${limits.approval_above}`);
    // a repeat of a counted call (its key, the same request) is not counted again
    const digest = call.idempotencyKey ? callDigest(call.idempotencyKey, { ...call, scope: keyScope(connector, call.account.row.id, call.headers) }) : null;
    const r = await this.spend.reserve(spender, currency, amount, limits.per_day, digest);
    if (!r.ok) {
      throw fail(
        'spend_cap_exceeded',
        { reason: `${shown} would take the last 24 hours to ${r.spentToday + amount}, above the daily cap of ${limits.per_day}` },
        { currency, cap: limits.per_day },
      );
    }
    return { kind: 'send', settle: async (status) => (nothingMoved(status) ? this.spend.release(r.id) : undefined) };
  }

  /**
   * What a held call would move if sent now, read as when it was held (null: it cannot be told now).
   * An approval is given for an amount: one read from the object it acts on (a payment intent to
   * confirm, an invoice to pay) may have grown since, and then it is not the call that was approved.
   */
  async amountNow(a: { projectId: string; accountId: string; request: HeldRequest }, actor: Actor): Promise<Money | null> {
    const account = this.calls.cached(a.projectId, a.accountId) ?? (await this.calls.resolve(a.projectId, a.accountId));
    const connector = account.profile.connector;
    const req = a.request;
    const m = this.matcher(connector).match(req.method, req.path);
    const rule = m ? ruleOf(connector, m.action.name) : undefined;
    if (!m || !rule) return null;
    const param = callParams(req.method, req.path, req.body, req.contentType, connector.api.encoding.contentType);
    const target = { projectId: a.projectId, accountId: a.accountId, actor, source: 'approval' as const, action: null };
    return this.amountOf(rule, (name) => m.params[name] ?? param(name), { target, account, headers: () => req.headers });
  }

  /** The call's amount and currency, reading the object it acts on when the call does not say; null: cannot tell. */
  private async amountOf(
    rule: MoneyRule,
    param: (name: string) => unknown,
    call: { target: CallTarget; account: CachedAccount; headers: () => Record<string, string> },
  ): Promise<Money | null> {
    let amount: number | null = null;
    let amountGiven = false; // even empty: `amount=` unsets it
    for (const name of rule.amount ?? []) {
      const v = param(name);
      if (v !== undefined && v !== null) amountGiven = true;
      if (v === UNCLEAR) return null;
      if (absent(v)) continue;
      if (typeof v === 'string' && v.trim() === '') return null; // " " is 0 to Number(), and who knows what to the provider
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0) return null;
      amount = (amount ?? 0) + n;
    }
    const given = rule.currency ? param(rule.currency) : undefined;
    if (given === UNCLEAR) return null;
    let currency = typeof given === 'string' && given ? given.toLowerCase() : null;
    const looked = (rule.lookup ?? []).find((l) => !absent(param(l.id)));
    if (amount !== null && currency && !(rule.objectCurrency && looked) && !rule.delta) return { amount, currency };
    const set = amount;
    if (rule.delta) amount = null; // what moves is the change from the object's value, read below
    if (rule.objectCurrency && looked) currency = null; // the object's, read below
    for (const look of rule.lookup ?? []) {
      const id = param(look.id);
      if (id === UNCLEAR) return null;
      if (typeof id !== 'string' || !id) continue;
      const r = await this.calls.send(
        { ...call.target, action: null },
        { method: 'GET', path: look.path.replace('{id}', encodeURIComponent(id)), headers: call.headers() },
        call.account,
      );
      if (r.response.status !== 200) return null;
      const obj = JSON.parse(r.response.body.toString('utf8')) as Record<string, unknown>;
      const full = Number(field(obj, look.amount)) - (look.minus ? Number(field(obj, look.minus) ?? 0) : 0);
      const found = field(obj, look.currency);
      const objectCurrency = typeof found === 'string' ? found.toLowerCase() : null;
      if (rule.whenGiven === true && !amountGiven && currency !== null && currency === objectCurrency && Number.isSafeInteger(full)) {
        return { amount: full, currency, unchanged: true };
      }
      currency ??= objectCurrency;
      // read, not given: a negative (more refunded than charged, a negative invoice total) would lower the day's total
      if (rule.delta) amount = set !== null && Number.isSafeInteger(full) && set - full >= 0 ? set - full : null;
      else amount ??= Number.isSafeInteger(full) && full >= 0 ? full : null;
      break;
    }
    return amount !== null && currency ? { amount, currency } : null;
  }
}
