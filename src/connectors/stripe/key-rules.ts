// Stripe key rules, checked before any network call. Pure (no Node APIs): the Hub's
// browser bundle imports this file too, so the user sees the same messages as the server.
import type { EnvironmentKey, KeyCheck } from '../keys.js';

const MODE_LABEL: Record<EnvironmentKey, string> = { production: 'Production', test: 'Test Mode' };
const MODE_WORD: Record<EnvironmentKey, 'live' | 'test'> = { production: 'live', test: 'test' };

export function checkStripeKey(raw: unknown, environment: EnvironmentKey): KeyCheck {
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
  const m = /^(sk|rk)_([A-Za-z]+)_/.exec(key);
  if (!m || (m[2] !== 'live' && m[2] !== 'test')) {
    return {
      ok: false,
      code: 'key_prefix',
      message: 'This is not a Stripe secret or restricted key: it must start with sk_live_, sk_test_, rk_live_ or rk_test_.',
    };
  }
  const kind = m[1] as 'sk' | 'rk';
  const mode = m[2] as 'live' | 'test';
  if (mode !== MODE_WORD[environment]) {
    const keyEnv: EnvironmentKey = mode === 'live' ? 'production' : 'test';
    return {
      ok: false,
      code: 'key_mode_mismatch',
      message:
        `This is a ${mode} key (${kind}_${mode}_…) but you chose ${MODE_LABEL[environment]}. ` +
        `Use a ${MODE_WORD[environment]} key (sk_${MODE_WORD[environment]}_ or rk_${MODE_WORD[environment]}_), or choose ${MODE_LABEL[keyEnv]}.`,
    };
  }
  if (!/^(sk|rk)_(live|test)_[A-Za-z0-9]{10,247}$/.test(key)) {
    return {
      ok: false,
      code: 'key_malformed',
      message: 'This key is cut short or has characters a Stripe key cannot have. Copy it again from Stripe.',
    };
  }
  return { ok: true, key, keyType: kind === 'sk' ? 'secret' : 'restricted', environment, hint: key.slice(-4) };
}
