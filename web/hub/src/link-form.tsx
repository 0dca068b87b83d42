// The form: choose the environment (or, in edit mode, see the current key), paste the key, Connect.
// Key rules are checked as the user types, with the server's own messages; one request at a time;
// the server's refusal is shown in a focused alert; success opens the confirmation dialog.
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { type createApi, HubError, type Linked } from './api.js';
import { CurrentKey } from './current-key.js';
import { EnvironmentChoice } from './environment-choice.js';
import { KeyField } from './key-field.js';
import { ContextField } from './context-field.js';
import { checkKey, needsContext, redactedDisplay } from './keycheck.js';
import { envLabel, providerName } from './labels.js';
import { LinkError } from './link-error.js';
import { SuccessDialog } from './success-dialog.js';
import type { HTag, Loaded, Mode } from './types.js';

export interface LinkFormProps {
  data: Loaded;
  api: ReturnType<typeof createApi>;
  provider: string;
  selected: string | null;
  onSelect(id: string): void;
  H: HTag;
  close: ComponentChildren;
  mode: Mode;
  onBack: (() => void) | null;
  onExpired(): void;
  onSuccess(account: { id: string; provider: string }): void;
  onDone(linked: Linked): void;
}

export function LinkForm(p: LinkFormProps) {
  const { data, provider } = p;
  const edit = data.account;
  const rows = data.rows.filter((r) => r.provider === provider);
  const row = rows.find((r) => r.integration_id === p.selected);
  const cfg = row ? data.configs[row.integration_id] : data.configs[rows[0].integration_id];
  const field = cfg?.configFields?.find((f) => f.secret !== false || f.type === 'password') ?? cfg?.configFields?.[0];
  const fieldKey = field?.key ?? 'api_key';
  // the connector's context field (e.g. the account a Stripe organization key acts on), shown for keys that need it
  const contextField = cfg?.configFields?.find((f) => f.linkhub_context === true);
  const name = providerName(data.rows, provider);
  const notices = cfg?.configNotices ?? [];
  const guide = field?.guide?.description ?? field?.description ?? cfg?.support?.description;
  const currentKey = edit ? redactedDisplay(edit.secrets?.[fieldKey], edit.keyHint) : null;

  const [key, setKey] = useState('');
  const [context, setContext] = useState(edit?.context ?? '');
  const [touched, setTouched] = useState(false);
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<HubError | null>(null);
  const [result, setResult] = useState<Linked | null>(null);
  // a ref, not state: a second click in the same tick must already see the first one in flight
  const inflight = useRef(false);
  const inputRef = useRef<HTMLInputElement>(null);

  const withContext = contextField !== undefined && needsContext(provider, key);
  const check = row
    ? checkKey(
        provider,
        row.environment,
        key,
        field,
        context,
        rows.map((r) => r.environment),
      )
    : ({ ok: false, code: 'environment', message: 'Choose Production or Test Mode above.' } as const);

  async function submit(e?: Event) {
    e?.preventDefault();
    if (inflight.current) return;
    if (!row || !check.ok) {
      setTouched(true);
      inputRef.current?.focus();
      return;
    }
    inflight.current = true;
    setBusy(true);
    setError(null);
    try {
      const credentials = { [fieldKey]: key, ...(withContext && contextField ? { [contextField.key]: context.trim() } : {}) };
      const linked = edit ? await p.api.update(edit.secureId, row.integration_id, credentials) : await p.api.link(row.integration_id, credentials);
      setKey('');
      setTouched(false);
      setShow(false);
      setResult(linked);
      p.onSuccess({ id: linked.id, provider: linked.provider });
    } catch (x) {
      const err = x instanceof HubError ? x : new HubError(0, String(x));
      if (err.status === 401 || err.status === 403) return p.onExpired();
      setError(err);
    } finally {
      inflight.current = false;
      setBusy(false);
    }
  }

  const H = p.H;
  const logo = row?.logo_url ?? rows[0]?.logo_url;
  return (
    <div>
      <header class="head">
        {logo ? <img class="logo" src={logo} alt="" width="36" height="36" /> : null}
        <div class="head-text">
          <H class="title">{edit ? `Update your ${name} key` : `Connect ${name}`}</H>
          <p class="muted">
            {edit
              ? `Paste a new API key. Linkhub tests it with ${name} before replacing the current one.`
              : `Paste an API key. Linkhub tests it with ${name} before saving it.`}
          </p>
        </div>
        {p.close}
      </header>
      {p.onBack && (
        <button type="button" class="link-btn" onClick={p.onBack}>
          ← All services
        </button>
      )}
      <form onSubmit={submit} noValidate>
        {edit ? (
          <CurrentKey redacted={currentKey} keyType={edit.keyType} env={envLabel(row, cfg)} accountName={edit.accountName} />
        ) : (
          <EnvironmentChoice
            rows={rows}
            configs={data.configs}
            selected={p.selected}
            notices={notices.filter((n) => n.position === 'top')}
            busy={busy}
            onSelect={(id) => {
              p.onSelect(id);
              setError(null);
            }}
          />
        )}

        <KeyField
          label={edit ? `New ${field?.label ?? 'API Key'}` : (field?.label ?? 'API Key')}
          toggleName={field?.label ?? 'key'}
          name={fieldKey}
          value={key}
          placeholder={row ? field?.placeholder : 'Choose an environment first'}
          show={show}
          busy={busy}
          problem={touched && !check.ok && !check.code.startsWith('context_') ? check.message : null}
          guide={guide}
          notices={notices.filter((n) => n.position !== 'top')}
          support={cfg?.support?.link ? { link: cfg.support.link, name } : null}
          inputRef={inputRef}
          onInput={(v) => {
            setKey(v);
            if (v) setTouched(true);
            setError(null);
          }}
          onToggle={() => setShow(!show)}
        />

        {withContext && contextField && (
          <ContextField
            field={contextField}
            value={context}
            busy={busy}
            problem={touched && !check.ok && check.code.startsWith('context_') ? check.message : null}
            onInput={(v) => {
              setContext(v);
              setError(null);
            }}
          />
        )}

        {error && <LinkError error={error} name={name} currentKey={currentKey} onRetry={() => void submit()} />}

        <button type="submit" class="primary" disabled={!busy && !check.ok} aria-disabled={busy ? 'true' : undefined}>
          {busy ? (
            <>
              <span class="spinner" aria-hidden="true" /> Testing the key with {name}…
            </>
          ) : edit ? (
            'Test and save'
          ) : (
            'Connect'
          )}
        </button>
        <p class="sr-only" role="status">
          {busy ? `Testing the key with ${name}…` : ''}
        </p>
      </form>
      {result && <SuccessDialog linked={result} name={name} edit={!!edit} env={envLabel(row, cfg)} onDone={() => p.onDone(result)} />}
    </div>
  );
}
