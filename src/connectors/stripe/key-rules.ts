// Stripe key rules, checked before any network call. Pure (no Node APIs): the Hub's
// browser bundle imports this file too, so the user sees the same messages as the server.
// Organization keys (sk_org_live_/sk_org_test_, docs/stripe-org-keys.md) need a Stripe-Context.
import type { EnvironmentKey, KeyCheck } from '../keys.js';

const MODE_LABEL: Record<EnvironmentKey, string> = { production: 'Production', test: 'Test Mode' };
const MODE_WORD: Record<EnvironmentKey, 'live' | 'test'> = { production: 'live', test: 'test' };

/** `acct_…`, or a path of up to three of them (`acct_platform/acct_connected`), as Stripe-Context takes. */
const CONTEXT_SHAPE = /^acct_[A-Za-z0-9]{1,64}(?:\/acct_[A-Za-z0-9]{1,64}){0,2}$/;

/** Whether a pasted key is an organization key (sk_org_…), which acts only with a Stripe-Context. */
export function isStripeOrgKey(raw: unknown): boolean {
  return typeof raw === 'string' && /^sk_org_/.test(raw.trim());
}

/** The context rules for a key that passed the key rules: required for organization keys, refused otherwise. */
function checkContext(org: boolean, raw: unknown): { ok: true; context: string | null } | Extract<KeyCheck, { ok: false }> {
  const given = typeof raw === 'string' ? raw.trim() : raw;
  const empty = given === undefined || given === null || given === '';
  if (!org) {
    if (empty) return { ok: true, context: null };
    return {
      ok: false,
      code: 'context_unexpected',
      message: 'A Stripe-Context is only taken with an organization key (sk_org_…). Leave it empty for this key.',
    };
  }
  if (empty) {
    return {
      ok: false,
      code: 'context_missing',
      message: 'An organization key (sk_org_…) acts on one account of the organization: enter its account id (acct_…) as the Stripe-Context.',
    };
  }
  if (typeof given !== 'string' || !CONTEXT_SHAPE.test(given)) {
    return {
      ok: false,
      code: 'context_malformed',
      message: 'The Stripe-Context must be an account id such as acct_1Nv0FGQ9RKHgCVdK (or acct_…/acct_… for a connected account).',
    };
  }
  return { ok: true, context: given };
}

/**
 * `offered`: the environments the user may choose here (a test-only session, an existing account's);
 * the mode-mismatch message suggests only those. Omitted: both.
 */
export function checkStripeKey(raw: unknown, environment: EnvironmentKey, context?: unknown, offered?: readonly EnvironmentKey[]): KeyCheck {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return { ok: false, code: 'key_missing', message: 'Paste your Stripe API key (Developers > API keys in the Stripe Dashboard).' };
  }
  const key = raw.trim();
  if (/\s/.test(key)) {
    return { ok: false, code: 'key_whitespace', message: 'The key contains spaces or line breaks. Copy it again from Stripe and paste it without them.' };
  }
  if (/^pk_/.test(key)) {
    return {
      ok: false,
      code: 'key_publishable',
      message: 'This is a publishable key (pk_…), which cannot read your account. Use a secret key (sk_…) or a restricted key (rk_…).',
    };
  }
  const m = /^(sk_org|sk|rk)_([A-Za-z]+)_/.exec(key);
  if (!m || (m[2] !== 'live' && m[2] !== 'test')) {
    return {
      ok: false,
      code: 'key_prefix',
      message:
        'This is not a Stripe secret, restricted or organization key: it must start with sk_live_, sk_test_, rk_live_, rk_test_, sk_org_live_ or sk_org_test_.',
    };
  }
  const kind = m[1] as 'sk_org' | 'sk' | 'rk';
  const mode = m[2] as 'live' | 'test';
  if (mode !== MODE_WORD[environment]) {
    const keyEnv: EnvironmentKey = mode === 'live' ? 'production' : 'test';
    const want = MODE_WORD[environment];
    const use = `Use a ${want} key (sk_${want}_, rk_${want}_ or sk_org_${want}_)`;
    const canSwitch = !offered || offered.includes(keyEnv);
    return {
      ok: false,
      code: 'key_mode_mismatch',
      message: canSwitch
        ? `This is a ${mode} key (${kind}_${mode}_…) but you chose ${MODE_LABEL[environment]}. ${use}, or choose ${MODE_LABEL[keyEnv]}.`
        : `This is a ${mode} key (${kind}_${mode}_…) but only ${MODE_LABEL[environment]} is offered here. ${use}.`,
    };
  }
  if (!/^(sk_org|sk|rk)_(live|test)_[A-Za-z0-9]{10,247}$/.test(key)) {
    return {
      ok: false,
      code: 'key_malformed',
      message: 'This key is cut short or has characters a Stripe key cannot have. Copy it again from Stripe.',
    };
  }
  const ctx = checkContext(kind === 'sk_org', context);
  if (!ctx.ok) return ctx;
  // An organization key may be limited like a restricted key without saying so: its permissions are learnt like an rk_'s.
  return { ok: true, key, keyType: kind === 'sk' ? 'secret' : 'restricted', environment, hint: key.slice(-4), context: ctx.context };
}
