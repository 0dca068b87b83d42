// Key rules as the user types. Stripe keys go through the server's own rules module
// (src/connectors/stripe/key-rules.ts, pure), so the messages are identical to the server's.
import { checkStripeKey, isStripeOrgKey } from '../../../src/connectors/stripe/key-rules.js';
import type { ConfigField } from './api.js';

export type ClientCheck = { ok: true } | { ok: false; code: string; message: string };

/** Whether the pasted key needs the connector's context field (a Stripe organization key): the form shows it then. */
export function needsContext(provider: string, value: string): boolean {
  return provider === 'stripe' && isStripeOrgKey(value);
}

/** The key rules, and the context's when the key needs one (`context`: the context field's value; `offered`: the environments this session offers). */
export function checkKey(
  provider: string,
  environment: string,
  value: string,
  field: ConfigField | undefined,
  context?: string,
  offered?: readonly string[],
): ClientCheck {
  if (provider === 'stripe' && (environment === 'production' || environment === 'test')) {
    const envs = offered?.filter((e): e is 'production' | 'test' => e === 'production' || e === 'test');
    const r = checkStripeKey(value, environment, needsContext(provider, value) ? context : undefined, envs);
    return r.ok ? { ok: true } : { ok: false, code: r.code, message: r.message };
  }
  if (!value.trim()) return { ok: false, code: 'key_missing', message: `Enter your ${field?.label ?? 'key'}.` };
  const v = field?.validation;
  if (v?.type === 'html-pattern' && v.pattern) {
    try {
      if (!new RegExp(v.pattern).test(value.trim()))
        return { ok: false, code: 'pattern', message: v.error ?? `This ${field?.label ?? 'value'} does not look right.` };
    } catch {
      /* a pattern the browser cannot compile: leave it to the server */
    }
  }
  return { ok: true };
}

const REDACTED = /^__secretvalue:\*\*redacted\*\*(.*)$/;

/** `__secretvalue:**redacted**4242` → `••••••••4242`. */
export function redactedDisplay(secret: string | undefined, hint?: string): string | null {
  const m = secret ? REDACTED.exec(secret) : null;
  const suffix = m ? m[1] : hint;
  return suffix === undefined ? null : '••••••••' + suffix;
}
