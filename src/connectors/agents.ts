// The agent part of the connector contract: how the provider's own clients (its SDKs) talk to it,
// so Linkhub can serve them unchanged with an agent token as their key, and which actions move
// money (for the spend caps and approvals of agent policies). All data or pure functions.

/**
 * How to read the amount of a money-moving action from its parameters (path, query and body, by
 * name). Amounts are in the currency's smallest unit, as the provider takes them.
 */
export interface MoneyRule {
  /** Parameters whose values, added up, are the amount (absent ones count 0; none present: unknown). */
  amount?: readonly string[];
  /** The parameter naming the currency. */
  currency?: string;
  /**
   * A money call only when one of `amount`, or `currency`, is given (an update that may raise what a
   * later call moves, or change the currency it moves in; the object's own currency alone changes
   * nothing), or when one of the parameters listed is given as anything but `false` (an invoice's
   * `auto_advance`: Stripe then finalizes and charges it), or, written `name=value`, as that value
   * (a card's `status=active`); else it moves nothing.
   */
  whenGiven?: true | readonly string[];
  /**
   * The amount given is a new value of the object's (a customer's `balance`): what moves is the change
   * from the value read by the lookup. A drop (a credit) cannot be told.
   */
  delta?: boolean;
  /** When the call names an object to look up, the currency is the object's, whatever the currency parameter says (a refund of a charge). */
  objectCurrency?: boolean;
  /**
   * When the call does not say its amount or currency (a full refund of a charge, paying an
   * invoice): read the object it acts on. The first lookup whose `id` parameter is present is used.
   */
  lookup?: readonly MoneyLookup[];
}

export interface MoneyLookup {
  /** The parameter holding the object's id. */
  id: string;
  /** GET path of the object, `{id}` replaced by the id. */
  path: string;
  /** Fields of the object (dotted for a nested one: `pending_request.amount`): its amount, minus `minus` (already refunded…), and currency. */
  amount: string;
  minus?: string;
  currency: string;
}

/** A call the provider's SDK sends to another host than the API root when left to its defaults. */
export interface NativeOrigin {
  method: string;
  /** The path, without query; a `{name}` segment stands for any one segment (an object's id). */
  path: string;
  /** Where the provider serves it (as an action's baseUrl: a configured API base takes its place). */
  origin: string;
}

export interface ConnectorAgentSupport {
  /** Path prefixes the provider's own API serves and its SDKs call (e.g. `/v1/`), served by Linkhub as they are. */
  nativePrefixes: readonly string[];
  /**
   * Calls served from other hosts. An SDK given Linkhub's host sends them there too (it overrides
   * every host with the one it was given), so Linkhub sends them on to the right one.
   */
  nativeOrigins: readonly NativeOrigin[];
  /** Largest request body on those paths, bytes: the provider's largest upload with its framing. */
  nativeBodyLimit: number;
  /**
   * How long a call on those paths may wait for the provider's answer, ms: as long as the provider's SDKs
   * wait by default. The SDK owns the clock and the retries there (its retry setting, rules and
   * idempotency key): Linkhub makes one attempt per request, whose deadline must not be shorter than
   * the SDK's own wait (a call the provider answers slowly would otherwise never succeed).
   */
  nativeTimeoutMs: number;
  /**
   * Linkhub's own refusal on those paths, in the provider's error shape, so its SDKs raise the right
   * exception (the HTTP status is Linkhub's; `extra` are fields such as an approval id).
   */
  nativeError(status: number, code: string, message: string, extra: Readonly<Record<string, unknown>>): unknown;
  /**
   * The response header in which the provider tells its SDKs whether to retry ('true' / 'false'), lowercase,
   * or null: set on Linkhub's refusals on those paths from the error's `retryable`, so an SDK retries a
   * throttled call and not a refusal that will not change (its own rule would retry any 409 or 5xx).
   */
  retryAdviceHeader: string | null;
  /**
   * The response header the provider's SDKs read a request's id from (lowercase), or null: set on
   * Linkhub's refusals on those paths to Linkhub's request id (its `x-request-id`), so the SDK's error
   * carries an id the builder finds in Linkhub's log lines (their reqId), as a provider's error would.
   */
  requestIdHeader: string | null;
  /** The request header the provider's SDK sends the key in (lowercase) and its scheme prefix. */
  sdkCredential: { header: string; prefix: string };
  /** Actions that move money, by action name. */
  money: Readonly<Record<string, MoneyRule>>;
  /**
   * Path prefixes (`/v2/money_management/`) under which any write may move money, besides the
   * resources the money-moving actions act on (where only writes Linkhub has no action for are): under
   * spend limits such a write without a money rule is held or refused, since its amount cannot be told.
   */
  moneyAreas?: readonly string[];
  /** Known actions in `moneyAreas` that move no money (opening or renaming an account, cancelling a transfer). */
  movesNothing?: readonly string[];
}
