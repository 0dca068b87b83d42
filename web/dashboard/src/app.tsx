// The dashboard shell: session check and sign-in, header with navigation, theme and sign-out,
// and a tiny History-API router over /dashboard/* (the pages are in routes.tsx).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, errorMessage, setSignedOutHandler, type SessionInfo } from './api.js';
import { Announcer, announce } from './components/announcer.js';
import { Logo } from './logo.js';
import { ROUTES, routeFor } from './routes.js';
import { SignIn } from './sign-in.js';
import { type ThemePref, useTheme } from './theme.js';

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
                  aria-current={r.path === route.path ? 'page' : r.path === route.under ? 'location' : undefined}
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
