// Stripe restricted-key permissions (`rak_<resource>_<read|write>`): their Dashboard names and where
// to grant them, for messages that tell the user exactly what to change.
const RESOURCE_LABELS: Record<string, string> = {
  customer: 'Customers',
  charge: 'Charges and Refunds',
  payment_intent: 'PaymentIntents',
  invoice: 'Invoices',
  subscription: 'Subscriptions',
  product: 'Products',
  plan: 'Prices',
  balance: 'Balance',
  payout: 'Payouts',
  event: 'Events',
  connected_account: 'Connected accounts',
};

const GRANT_HINT = 'In the Stripe Dashboard open Developers > API keys, edit the restricted key, grant that permission (Read or Write), save, and retry.';

/** 'rak_customer_read' → 'Customers: Read' */
export function permissionLabel(permission: string): string {
  const m = /^(?:rak_)?([a-z0-9_]+?)_(read|write)$/.exec(permission);
  if (!m) return permission;
  const resource = RESOURCE_LABELS[m[1]] ?? m[1].replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  return `${resource}: ${m[2] === 'read' ? 'Read' : 'Write'}`;
}

export function grantHint(permission: string | null): string {
  return permission ? `Grant '${permission}': ${GRANT_HINT}` : GRANT_HINT;
}

/** Write access includes read access: rak_x_write → rak_x_read. */
export function impliedPermission(permission: string): string | null {
  return permission.endsWith('_write') ? permission.slice(0, -'_write'.length) + '_read' : null;
}
