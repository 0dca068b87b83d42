// The Hub: pick a connector (skipped when there is one), choose the environment, paste the key,
// Connect; or, in edit mode, replace the key of an existing account. One UI for the embedded
// web component and the hosted Auth Link page.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi, HubError, type AccountData, type ConnectorConfig, type HubSettings, type Integration, type Linked } from './api.js';
import { checkKey, redactedDisplay } from './keycheck.js';

export type Mode = 'embedded' | 'page';

export interface HubProps {
  token: string | null;
  baseUrl: string;
  mode: Mode;
  onSuccess(account: { id: string; provider: string }): void;
  onClose(): void;
}

type View =
  | { v: 'loading' }
  | { v: 'expired'; focus?: boolean }
  | { v: 'failed'; message: string }
  | { v: 'empty' }
  | { v: 'pick' }
  | { v: 'form' }
  | { v: 'done'; linked: Linked };

interface Loaded {
  settings: HubSettings;
  rows: Integration[];
  configs: Record<string, ConnectorConfig>;
  account: AccountData | null;
}

const KEY_TYPE: Record<string, string> = { secret: 'Secret key', restricted: 'Restricted key' };

/** The service's name: the production row's name, or a row name without its "(Test Mode)" suffix. */
const providerName = (rows: Integration[], provider: string) =>
  (rows.find((r) => r.provider === provider && r.environment === 'production')?.name ?? rows.find((r) => r.provider === provider)?.name ?? provider).replace(
    /\s*\([^)]*\)$/,
    '',
  );

const envLabel = (row: Integration | undefined, cfg: ConnectorConfig | undefined) => row?.environment_label ?? cfg?.environment?.label ?? row?.name ?? '';

function errorTitle(e: HubError, name: string): string {
  switch (e.code) {
    case 'invalid_key':
      return `${name} rejected this key`;
    case 'expired_key':
      return 'This key has expired';
    case 'missing_permission':
      return 'The key is missing a permission';
    case 'provider_unreachable':
      return `${name} could not be reached`;
  }
  if (e.status === 0) return 'Linkhub could not be reached';
  if (e.status === 400) return 'Check the key';
  return 'The account could not be linked';
}

export function Hub(props: HubProps) {
  const api = useMemo(() => createApi(props.baseUrl, props.token ?? ''), [props.baseUrl, props.token]);
  const [view, setView] = useState<View>({ v: 'loading' });
  const [data, setData] = useState<Loaded | null>(null);
  const [provider, setProvider] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  async function load() {
    if (!props.token) return setView({ v: 'expired' });
    setView({ v: 'loading' });
    try {
      const settings = await api.settings();
      let account: AccountData | null = null;
      if (settings.existing_account_id) account = await api.account(settings.existing_account_id);
      const rows = (await api.connectors(account?.provider)).integrations.filter((r) => r.active !== false && r.name);
      const configs: Record<string, ConnectorConfig> = {};
      await Promise.all(rows.map(async (r) => void (configs[r.integration_id] = (await api.config(r.integration_id)).config)));
      setData({ settings, rows, configs, account });
      if (!rows.length) return setView({ v: 'empty' });
      if (account) {
        const row = rows.find((r) => r.integration_id === account.integrationId) ?? rows.find((r) => r.provider === account.provider) ?? rows[0];
        setProvider(row.provider);
        setSelected(row.integration_id);
        return setView({ v: 'form' });
      }
      const providers = [...new Set(rows.map((r) => r.provider))];
      if (providers.length === 1) {
        choose(providers[0], rows);
        return setView({ v: 'form' });
      }
      setView({ v: 'pick' });
    } catch (e) {
      const err = e instanceof HubError ? e : new HubError(0, String(e));
      if (err.status === 401 || err.status === 403) return setView({ v: 'expired' });
      setView({ v: 'failed', message: err.message });
    }
  }

  function choose(p: string, rows: Integration[]) {
    setProvider(p);
    const envs = rows.filter((r) => r.provider === p);
    setSelected(envs.length === 1 ? envs[0].integration_id : null);
  }

  useEffect(() => {
    void load();
  }, [api]);

  const H = props.mode === 'page' ? 'h1' : 'h2';
  const closeButton =
    props.mode === 'embedded' ? (
      <button type="button" class="icon-btn" aria-label="Close" onClick={props.onClose}>
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
        </svg>
      </button>
    ) : null;

  let body: ComponentChildren;
  switch (view.v) {
    case 'loading':
      body = (
        <div class="center" role="status">
          <span class="spinner" aria-hidden="true" /> Loading…
        </div>
      );
      break;
    case 'expired':
      body = (
        <Message icon="clock" title={props.mode === 'page' ? 'This link has expired' : 'This session has expired'} H={H} close={closeButton} focus={view.focus}>
          <p>
            {props.token ? 'For your security, links to connect an account only work for a limited time.' : 'This link is incomplete: it has no session token.'}{' '}
            {props.mode === 'page'
              ? 'Ask the person or app that sent it to you for a new link.'
              : 'Close this window and start again from the app to get a new one.'}
          </p>
          <p class="muted">Nothing was saved.</p>
        </Message>
      );
      break;
    case 'failed':
      body = (
        <Message icon="alert" title="The Hub could not load" H={H} close={closeButton}>
          <p>{view.message}</p>
          <button type="button" class="secondary" onClick={() => void load()}>
            Retry
          </button>
        </Message>
      );
      break;
    case 'empty':
      body = (
        <Message icon="alert" title="Nothing to connect" H={H} close={closeButton}>
          <p>No integration is available for this link. Ask the app that sent it to you for a new one.</p>
        </Message>
      );
      break;
    case 'pick':
      body = (
        <Picker
          rows={data!.rows}
          H={H}
          close={closeButton}
          onPick={(p) => {
            choose(p, data!.rows);
            setView({ v: 'form' });
          }}
        />
      );
      break;
    case 'form':
      body = (
        <LinkForm
          key={provider}
          data={data!}
          api={api}
          provider={provider!}
          selected={selected}
          onSelect={setSelected}
          H={H}
          close={closeButton}
          mode={props.mode}
          onBack={new Set(data!.rows.map((r) => r.provider)).size > 1 && !data!.account ? () => setView({ v: 'pick' }) : null}
          onExpired={() => setView({ v: 'expired', focus: true })}
          onSuccess={props.onSuccess}
          onDone={(linked) => {
            setView({ v: 'done', linked });
            props.onClose();
          }}
        />
      );
      break;
    case 'done': {
      const row = data!.rows.find((r) => r.integration_id === selected);
      body = (
        <Message icon="check" title={data!.account ? `${providerName(data!.rows, provider!)} key updated` : `${providerName(data!.rows, provider!)} account connected`} H={H} focus>
          <Summary linked={view.linked} env={envLabel(row, data!.configs[selected!])} />
          <p class="muted">{props.mode === 'page' ? 'You can close this window now.' : 'You can close this window.'}</p>
        </Message>
      );
      break;
    }
  }
  return (
    <div class={`hub hub-${props.mode}`}>
      <div class="card">
        {body}
        <p class="footer">Secured by Linkhub</p>
      </div>
    </div>
  );
}

type HTag = 'h1' | 'h2';

function Icon({ name }: { name: 'check' | 'alert' | 'clock' }) {
  const d = {
    check: 'M6 10.5l2.5 2.5L14 7.5',
    alert: 'M10 6v5M10 14h.01',
    clock: 'M10 6.5V10l2.5 1.5M10 4.5a5.5 5.5 0 1 1 0 11a5.5 5.5 0 1 1 0-11',
  }[name];
  return (
    <svg class={`badge badge-${name}`} viewBox="0 0 20 20" width="40" height="40" aria-hidden="true">
      <circle cx="10" cy="10" r="9" fill="currentColor" opacity="0.15" />
      <path d={d} fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

function Message(p: { icon: 'check' | 'alert' | 'clock'; title: string; H: HTag; close?: ComponentChildren; focus?: boolean; children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (p.focus) ref.current?.focus();
  }, []);
  const H = p.H;
  return (
    <div class="message">
      <div class="top-right">{p.close}</div>
      <Icon name={p.icon} />
      <H ref={ref} tabIndex={-1} class="title">
        {p.title}
      </H>
      {p.children}
    </div>
  );
}

function Picker(p: { rows: Integration[]; H: HTag; close: ComponentChildren; onPick(provider: string): void }) {
  const providers = [...new Set(p.rows.map((r) => r.provider))];
  const H = p.H;
  return (
    <div>
      <header class="head">
        <div>
          <H class="title">Connect an account</H>
          <p class="muted">Choose the service to connect.</p>
        </div>
        {p.close}
      </header>
      <ul class="picker">
        {providers.map((prov) => {
          const row = p.rows.find((r) => r.provider === prov)!;
          return (
            <li key={prov}>
              <button type="button" class="pick" onClick={() => p.onPick(prov)}>
                {row.logo_url && <img src={row.logo_url} alt="" width="28" height="28" />}
                <span>{providerName(p.rows, prov)}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Summary({ linked, env }: { linked: Linked; env: string }) {
  return (
    <dl class="summary">
      {(linked.account_name || linked.account_id) && (
        <div>
          <dt>Account</dt>
          <dd>
            {linked.account_name ? (
              <>
                {linked.account_name}
                {linked.account_id && <span class="muted mono"> {linked.account_id}</span>}
              </>
            ) : (
              <span class="mono">{linked.account_id}</span>
            )}
          </dd>
        </div>
      )}
      <div>
        <dt>Environment</dt>
        <dd>{env}</dd>
      </div>
      {linked.key_hint && (
        <div>
          <dt>Key</dt>
          <dd>
            {KEY_TYPE[linked.key_type ?? ''] ?? 'Key'} <span class="mono">…{linked.key_hint}</span>
          </dd>
        </div>
      )}
    </dl>
  );
}

interface FormProps {
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

function LinkForm(p: FormProps) {
  const { data, provider } = p;
  const edit = data.account;
  const rows = data.rows.filter((r) => r.provider === provider);
  const row = rows.find((r) => r.integration_id === p.selected);
  const cfg = row ? data.configs[row.integration_id] : data.configs[rows[0].integration_id];
  const field = cfg?.configFields?.find((f) => f.secret !== false || f.type === 'password') ?? cfg?.configFields?.[0];
  const fieldKey = field?.key ?? 'api_key';
  const name = providerName(data.rows, provider);
  const notices = cfg?.configNotices ?? [];
  const topNotices = notices.filter((n) => n.position === 'top');
  const bottomNotices = notices.filter((n) => n.position !== 'top');
  const guide = field?.guide?.description ?? field?.description ?? cfg?.support?.description;
  const currentKey = edit ? redactedDisplay(edit.secrets?.[fieldKey], edit.keyHint) : null;

  const [key, setKey] = useState('');
  const [touched, setTouched] = useState(false);
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<HubError | null>(null);
  const [result, setResult] = useState<Linked | null>(null);
  const inflight = useRef(false);
  const alertRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const check = row ? checkKey(provider, row.environment, key, field) : ({ ok: false, code: 'environment', message: 'Choose Production or Test Mode above.' } as const);
  const showCheck = touched && !check.ok;

  useEffect(() => {
    if (error) alertRef.current?.focus();
  }, [error]);

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
      const credentials = { [fieldKey]: key };
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

  const describedBy = ['key-check', guide ? 'key-guide' : '', bottomNotices.length ? 'key-notes' : ''].filter(Boolean).join(' ');
  const H = p.H;
  const providerResponse = error && typeof error.body.provider_response === 'string' ? error.body.provider_response : null;

  return (
    <div>
      <header class="head">
        {row?.logo_url || rows[0]?.logo_url ? <img class="logo" src={row?.logo_url ?? rows[0].logo_url} alt="" width="36" height="36" /> : null}
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
          <div class="current">
            <dl class="summary">
              <div>
                <dt>Current key</dt>
                <dd>
                  <span class="mono">{currentKey ?? 'unknown'}</span>
                  {edit.keyType && <span class="muted"> · {KEY_TYPE[edit.keyType] ?? edit.keyType}</span>}
                </dd>
              </div>
              <div>
                <dt>Environment</dt>
                <dd>{envLabel(row, cfg)}</dd>
              </div>
              {edit.accountName && (
                <div>
                  <dt>Account</dt>
                  <dd>{edit.accountName}</dd>
                </div>
              )}
            </dl>
            <p class="hint">The environment stays the same: to use another one, link a new account.</p>
          </div>
        ) : (
          <fieldset class="envs" aria-describedby={topNotices.length ? 'env-notes' : undefined}>
            <legend>Environment</legend>
            {topNotices.length > 0 && (
              <div id="env-notes" class="hint">
                {topNotices.map((n) => (
                  <p key={n.key}>{n.description}</p>
                ))}
              </div>
            )}
            <div class="env-list">
              {rows.map((r) => {
                const id = `env-${r.integration_id}`;
                const c = data.configs[r.integration_id];
                const desc = r.description ?? c?.environment?.description;
                return (
                  <div class={`env${p.selected === r.integration_id ? ' env-on' : ''}`} key={r.integration_id}>
                    <input
                      type="radio"
                      id={id}
                      name="environment"
                      value={r.integration_id}
                      checked={p.selected === r.integration_id}
                      disabled={busy}
                      aria-describedby={desc ? id + '-desc' : undefined}
                      onChange={() => {
                        p.onSelect(r.integration_id);
                        setError(null);
                      }}
                    />
                    <div>
                      <label for={id}>{envLabel(r, c)}</label>
                      {desc && (
                        <p class="env-desc" id={id + '-desc'}>
                          {desc}
                        </p>
                      )}
                    </div>
                  </div>
                );
              })}
            </div>
          </fieldset>
        )}

        <div class="field">
          <label for="key">{edit ? `New ${field?.label ?? 'API Key'}` : field?.label ?? 'API Key'}</label>
          <div class="key-row">
            <input
              ref={inputRef}
              id="key"
              name={fieldKey}
              type={show ? 'text' : 'password'}
              value={key}
              placeholder={row ? field?.placeholder : 'Choose an environment first'}
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              readOnly={busy}
              aria-required="true"
              aria-invalid={showCheck ? 'true' : 'false'}
              aria-describedby={describedBy}
              onInput={(e) => {
                const v = (e.currentTarget as HTMLInputElement).value;
                setKey(v);
                if (v) setTouched(true);
                setError(null);
              }}
            />
            <button
              type="button"
              class="secondary toggle"
              aria-controls="key"
              aria-label={`${show ? 'Hide' : 'Show'} ${field?.label ?? 'key'}`}
              onClick={() => setShow(!show)}
            >
              {show ? 'Hide' : 'Show'}
            </button>
          </div>
          <p id="key-check" class="field-error" aria-live="polite">
            {showCheck ? check.message : ''}
          </p>
          {guide && (
            <p id="key-guide" class="guide">
              {guide}
            </p>
          )}
          {bottomNotices.length > 0 && (
            <div id="key-notes">
              {bottomNotices.map((n) => (
                <p key={n.key} class={`notice notice-${n.type}`}>
                  {n.description}
                </p>
              ))}
            </div>
          )}
          {cfg?.support?.link && (
            <p class="support">
              <a href={cfg.support.link} target="_blank" rel="noopener noreferrer">
                {name} help: where to find your API keys
                <span class="sr-only"> (opens in a new tab)</span>
              </a>
            </p>
          )}
        </div>

        {error && (
          <div class="alert" role="alert" tabIndex={-1} ref={alertRef}>
            <p class="alert-title">{errorTitle(error, name)}</p>
            <p>{error.message}</p>
            {providerResponse && (
              <details>
                <summary>What {name} answered</summary>
                <span class="mono">{providerResponse}</span>
              </details>
            )}
            {edit && currentKey && <p>Your current key {currentKey} is still in use.</p>}
            {error.retryable && (
              <button type="button" class="secondary" onClick={() => void submit()}>
                Retry
              </button>
            )}
          </div>
        )}

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

function SuccessDialog(p: { linked: Linked; name: string; edit: boolean; env: string; onDone(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const done = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    }
    done.current?.focus();
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="ok-title"
      aria-describedby="ok-desc"
      onCancel={(e) => {
        e.preventDefault();
        p.onDone();
      }}
    >
      <Icon name="check" />
      <h2 id="ok-title" class="title">
        {p.edit ? `${p.name} key updated` : `${p.name} account connected`}
      </h2>
      <p id="ok-desc" class="muted">
        {p.edit
          ? `The new key works and replaces the old one, which is no longer stored.`
          : `The key works. It is stored encrypted and is never shown again.`}
      </p>
      <Summary linked={p.linked} env={p.env} />
      <button ref={done} type="button" class="primary" onClick={p.onDone}>
        Done
      </button>
    </dialog>
  );
}
