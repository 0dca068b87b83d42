// The dashboard shell: session check and sign-in, header with navigation, theme and sign-out,
// and a tiny History-API router over /dashboard/*.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, errorMessage, setSignedOutHandler, type SessionInfo } from './api.js';
import { Announcer, announce } from './components.js';
import { AccountsPage } from './pages/accounts.js';
import { ApiKeysPage } from './pages/api-keys.js';
import { LinkPage } from './pages/link.js';
import { LogsPage } from './pages/logs.js';
import { WebhooksPage } from './pages/webhooks.js';

export type Theme = 'light' | 'dark';
type ThemePref = 'system' | Theme;

export interface PageProps {
  session: SessionInfo;
  theme: Theme;
  navigate(path: string): void;
}

const ROUTES: { path: string; label: string; title: string; render(p: PageProps): ComponentChildren }[] = [
  { path: '/dashboard/accounts', label: 'Accounts', title: 'Linked accounts', render: (p) => <AccountsPage {...p} /> },
  { path: '/dashboard/link', label: 'Link account', title: 'Link an account', render: (p) => <LinkPage {...p} /> },
  { path: '/dashboard/keys', label: 'API keys', title: 'API keys', render: (p) => <ApiKeysPage {...p} /> },
  { path: '/dashboard/webhooks', label: 'Webhooks', title: 'Webhooks', render: (p) => <WebhooksPage {...p} /> },
  { path: '/dashboard/logs', label: 'Request logs', title: 'Request logs', render: (p) => <LogsPage {...p} /> },
];

function routeFor(pathname: string) {
  const path = pathname.replace(/\/+$/, '') || '/dashboard';
  return ROUTES.find((r) => r.path === path) ?? ROUTES[0];
}

function useTheme(): [ThemePref, (t: ThemePref) => void, Theme] {
  const stored = (() => {
    try {
      return localStorage.getItem('linkhub-theme');
    } catch {
      return null;
    }
  })();
  const [pref, setPref] = useState<ThemePref>(stored === 'light' || stored === 'dark' ? stored : 'system');
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const [systemDark, setSystemDark] = useState(media.matches);
  useEffect(() => {
    const on = (e: MediaQueryListEvent) => setSystemDark(e.matches);
    media.addEventListener('change', on);
    return () => media.removeEventListener('change', on);
  }, []);
  const resolved: Theme = pref === 'system' ? (systemDark ? 'dark' : 'light') : pref;
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
    try {
      if (pref === 'system') localStorage.removeItem('linkhub-theme');
      else localStorage.setItem('linkhub-theme', pref);
    } catch {
      /* storage unavailable */
    }
  }, [pref, resolved]);
  return [pref, setPref, resolved];
}

export function App() {
  const [session, setSession] = useState<SessionInfo | null | 'loading'>('loading');
  const [path, setPath] = useState(location.pathname);
  const [pref, setPref, theme] = useTheme();
  const [expired, setExpired] = useState(false);

  async function loadSession() {
    try {
      setSession(await api<SessionInfo>('GET', '/session'));
    } catch (e) {
      setSession(null);
      if (!(e instanceof ApiError && e.status === 401)) announce(errorMessage(e));
    }
  }

  useEffect(() => {
    setSignedOutHandler(() => {
      setSession((s) => {
        if (s && s !== 'loading') setExpired(true);
        return null;
      });
    });
    void loadSession();
    const onPop = () => setPath(location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = (to: string) => {
    if (to !== location.pathname + location.search) history.pushState(null, '', to);
    setPath(location.pathname);
  };

  const route = routeFor(path);
  useEffect(() => {
    document.title = session && session !== 'loading' ? `${route.title} · Linkhub` : 'Sign in · Linkhub';
  }, [route, session]);

  if (session === 'loading') {
    return (
      <div class="center-page">
        <p class="muted" role="status">
          Loading…
        </p>
      </div>
    );
  }
  if (!session) {
    return (
      <>
        <SignIn
          expired={expired}
          onSignedIn={async () => {
            setExpired(false);
            await loadSession();
          }}
        />
        <Announcer />
      </>
    );
  }

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <div class="brand">
          <Logo />
          <span>Linkhub</span>
          <span class="project" title="Project">
            {session.project.name}
          </span>
        </div>
        <nav aria-label="Dashboard">
          <ul>
            {ROUTES.map((r) => (
              <li key={r.path}>
                <a
                  href={r.path}
                  aria-current={r === route ? 'page' : undefined}
                  onClick={(e) => {
                    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                    e.preventDefault();
                    navigate(r.path);
                  }}
                >
                  {r.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="topbar-end">
          <label class="theme-pick">
            <span class="sr-only">Theme</span>
            <select value={pref} onChange={(e) => setPref(e.currentTarget.value as ThemePref)} aria-label="Theme">
              <option value="system">System theme</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <button
            type="button"
            class="btn btn-quiet"
            onClick={async () => {
              try {
                await api('DELETE', '/session');
              } catch {
                /* signed out either way */
              }
              setSession(null);
              announce('Signed out');
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <Page key={route.path} title={route.title}>
        {route.render({ session, theme, navigate })}
      </Page>
      <Announcer />
    </>
  );
}

/** A page: its h1 takes focus after client-side navigation, so keyboard and screen-reader users land on it. */
function Page(p: { title: string; children: ComponentChildren }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Not on the first page shown (the browser's own focus start is right there), on every later one.
    if (firstPage) firstPage = false;
    else h1.current?.focus();
  }, []);
  return (
    <main id="main" tabIndex={-1}>
      <h1 ref={h1} tabIndex={-1}>
        {p.title}
      </h1>
      {p.children}
    </main>
  );
}
let firstPage = true;

function SignIn(p: { expired: boolean; onSignedIn(): Promise<void> }) {
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

function Logo() {
  return (
    <svg class="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <rect x="1" y="1" width="22" height="22" rx="6" fill="currentColor" />
      <path d="M9.5 14.5l5-5M8 11.5l-1.2 1.2a2.6 2.6 0 003.7 3.7l1.2-1.2M16 12.5l1.2-1.2a2.6 2.6 0 00-3.7-3.7l-1.2 1.2" stroke="var(--on-primary)" stroke-width="1.8" fill="none" stroke-linecap="round" />
    </svg>
  );
}
