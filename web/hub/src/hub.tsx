// The Hub: pick a connector (skipped when there is one), choose the environment, paste the key,
// Connect; or, in edit mode, replace the key of an existing account. One UI for the embedded
// web component and the hosted Auth Link page. This module loads what the session allows and
// decides which screen shows; the screens live in their own modules.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi, HubError, type AccountData, type ConnectorConfig, type Integration, type Linked } from './api.js';
import { envLabel, providerName } from './labels.js';
import { LinkForm } from './link-form.js';
import { Message } from './message.js';
import { Notice } from './notice.js';
import { Picker } from './picker.js';
import { Summary } from './summary.js';
import type { Loaded, Mode } from './types.js';

export type { Mode } from './types.js';

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
  | { v: 'incomplete' }
  | { v: 'used' }
  | { v: 'failed'; message: string }
  | { v: 'empty' }
  | { v: 'pick' }
  | { v: 'form' }
  | { v: 'done'; linked: Linked };

export function Hub(props: HubProps) {
  const api = useMemo(() => createApi(props.baseUrl, props.token ?? ''), [props.baseUrl, props.token]);
  const [view, setView] = useState<View>({ v: 'loading' });
  const [data, setData] = useState<Loaded | null>(null);
  const [provider, setProvider] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  async function load() {
    if (!props.token) return setView({ v: 'incomplete' });
    setView({ v: 'loading' });
    try {
      const settings = await api.settings();
      if (settings.linkhub_used_at) return setView({ v: 'used' });
      let account: AccountData | null = null;
      if (settings.existing_account_id) account = await api.account(settings.existing_account_id);
      const rows = (await api.connectors(account?.provider)).integrations.filter((r) => r.active !== false && r.name);
      const configs: Record<string, ConnectorConfig> = {};
      await Promise.all(
        rows.map(async (r) => {
          configs[r.integration_id] = (await api.config(r.integration_id)).config;
        }),
      );
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
            For your security, links to connect an account only work for a limited time.{' '}
            {props.mode === 'page'
              ? 'Ask the person or app that sent it to you for a new link.'
              : 'Close this window and start again from the app to get a new one.'}
          </p>
          <p class="muted">Nothing was saved.</p>
        </Message>
      );
      break;
    case 'incomplete':
    case 'used':
      body = <Notice kind={view.v} page={props.mode === 'page'} H={H} close={closeButton} />;
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
        <Message
          icon="check"
          title={data!.account ? `${providerName(data!.rows, provider!)} key updated` : `${providerName(data!.rows, provider!)} account connected`}
          H={H}
          focus
        >
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
