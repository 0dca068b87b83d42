// Human names of Stripe restricted-key permissions, for messages that say where to grant them.
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

/** 'rak_customer_read' → 'Customers: Read' */
export function permissionLabel(permission: string): string {
  const m = /^(?:rak_)?([a-z0-9_]+?)_(read|write)$/.exec(permission);
  if (!m) return permission;
  const resource = RESOURCE_LABELS[m[1]] ?? m[1].replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  return `${resource}: ${m[2] === 'read' ? 'Read' : 'Write'}`;
}
