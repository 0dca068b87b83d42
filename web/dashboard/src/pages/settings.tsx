// Project settings: which sites may show the Auth Link page (/link) inside an iframe. Linkhub sends
// them in the page's CSP frame-ancestors; any other site's frame stays empty. Embedding the Hub as a
// web component on a page is not framing and needs nothing here.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../api.js';
import { announce } from '../components/announcer.js';
import { ErrorAlert } from '../components/display.js';
import type { PageProps } from '../page.js';

interface Settings {
  allowed_frame_origins: string[];
}

/** One origin a line; blank lines dropped. */
const parse = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export function SettingsPage(_p: PageProps) {
  const [text, setText] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<Settings>('GET', '/settings')
      .then((s) => setText(s.allowed_frame_origins.join('\n')))
      .catch((e) => setLoadError(errorMessage(e)));
  }, []);

  async function save(e: Event) {
    e.preventDefault();
    if (busy || text === null) return;
    setBusy(true);
    setFieldError(null);
    const origins = parse(text);
    try {
      const saved = await api<Settings>('PATCH', '/settings', { allowed_frame_origins: origins });
      setText(saved.allowed_frame_origins.join('\n'));
      announce(
        saved.allowed_frame_origins.length
          ? `Saved: ${saved.allowed_frame_origins.length} sites may frame the Auth Link page`
          : 'Saved: only Linkhub may frame the Auth Link page',
      );
    } catch (err) {
      // name the offending line: the API names the entry as allowed_frame_origins.<index>
      const field = err instanceof ApiError ? String(err.body?.field ?? '') : '';
      const line = /\.(\d+)$/.exec(field);
      const problem = errorMessage(err).replace(field, '').trim();
      setFieldError(line ? `Line ${Number(line[1]) + 1} (${origins[Number(line[1])]}): ${problem}` : errorMessage(err));
      document.getElementById('frame-origins')?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <p class="muted">
        Customers who show the Auth Link page inside an iframe on their own site must be listed here. Other sites cannot frame it. The Hub embedded as a web
        component needs no entry.
      </p>
      <ErrorAlert error={loadError} />
      <form class="card form" aria-labelledby="framing-title" noValidate onSubmit={save}>
        <h2 id="framing-title">Sites allowed to frame the Auth Link page</h2>
        <div class="field">
          <label for="frame-origins">Origins, one a line</label>
          <textarea
            id="frame-origins"
            class="mono"
            rows={5}
            placeholder={'https://app.example.com\nhttps://*.example.org'}
            value={text ?? ''}
            disabled={text === null}
            aria-invalid={fieldError ? 'true' : undefined}
            aria-describedby={fieldError ? 'frame-origins-hint frame-origins-error' : 'frame-origins-hint'}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <p class="hint" id="frame-origins-hint">
            Scheme and host, with a port if not the default: https://app.example.com. https://*.example.org allows its subdomains. Empty: only Linkhub itself.
          </p>
          {fieldError && (
            <p class="field-error" id="frame-origins-error">
              {fieldError}
            </p>
          )}
        </div>
        <button type="submit" class="btn btn-primary" aria-disabled={busy || text === null ? 'true' : undefined}>
          Save
        </button>
      </form>
    </div>
  );
}
