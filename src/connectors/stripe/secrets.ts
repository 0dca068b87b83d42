// Stripe secrets as they may appear in bodies and paths Linkhub logs: API keys (sk_/rk_/pk_, live
// and test, and organization keys sk_org_ with or without a mode word), webhook signing secrets
// (whsec_) and client secrets (`pi_…_secret_…`). Matched by shape wherever they start: no word boundary, since `x_sk_live_…` or `api_key=abcsk_live_…` still
// carries the key (the call log decodes other encodings before asking, secret-encodings.ts).
const SECRET_VALUE =
  /(?:(?:sk|rk|pk)_(?:org_(?:live_|test_)?|live_|test_)[A-Za-z0-9]{4,}|whsec_[A-Za-z0-9+/=]{4,}|[a-z]{2,6}_[A-Za-z0-9]{6,}_secret_[A-Za-z0-9]{4,})/g;

/** Masks Stripe secrets inside a string, keeping only their kind ('sk_test_[redacted]'). */
export function maskStripeSecrets(s: string): string {
  SECRET_VALUE.lastIndex = 0;
  if (!SECRET_VALUE.test(s)) return s;
  SECRET_VALUE.lastIndex = 0;
  return s.replace(SECRET_VALUE, (m) => {
    if (m.startsWith('whsec_')) return 'whsec_[redacted]';
    if (m.includes('_secret_')) return m.slice(0, m.indexOf('_') + 1) + '[redacted]';
    // sk_live_…, sk_org_…, sk_org_live_…: keep the prefix words, drop the rest
    return /^[a-z]{2}_(?:org_(?:live_|test_)?|live_|test_)/.exec(m)![0] + '[redacted]';
  });
}
