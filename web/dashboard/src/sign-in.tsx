// The sign-in page: the admin password, a refusal said plainly, focus back on the field to retry.
import { useRef, useState } from 'preact/hooks';
import { api, ApiError, errorMessage } from './api.js';
import { Logo } from './logo.js';

export function SignIn(p: { expired: boolean; onSignedIn(): Promise<void> }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  return (
    <main class="center-page" id="main">
      <form
        class="card signin"
        aria-labelledby="signin-title"
        onSubmit={async (e) => {
          e.preventDefault();
          if (busy) return;
          setBusy(true);
          setError(null);
          try {
            await api('POST', '/session', { password });
            setPassword('');
            await p.onSignedIn();
          } catch (err) {
            setError(err instanceof ApiError && err.status === 401 ? 'That password is not right. Try again.' : errorMessage(err));
            setBusy(false);
            input.current?.focus();
          }
        }}
      >
        <div class="brand brand-lg">
          <Logo />
          <span>Linkhub</span>
        </div>
        <h1 id="signin-title">Sign in to the dashboard</h1>
        {p.expired && (
          <p class="alert alert-warn" role="status">
            Your session ended. Sign in again to continue.
          </p>
        )}
        <div class="field">
          <label for="password">Admin password</label>
          <input
            ref={input}
            id="password"
            type="password"
            autocomplete="current-password"
            required
            autoFocus
            value={password}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'signin-error' : 'signin-hint'}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <p class="hint" id="signin-hint">
            Set with <code>LINKHUB_ADMIN_PASSWORD</code>, or printed once when Linkhub first started.
          </p>
        </div>
        {error && (
          <p class="alert alert-error" role="alert" id="signin-error">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-block" aria-disabled={busy ? 'true' : undefined}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
