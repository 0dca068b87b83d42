// The dashboard's pages: path, navigation label and heading, and how to render each.
import type { ComponentChildren } from 'preact';
import type { PageProps } from './page.js';
import { AccountsPage } from './pages/accounts/accounts-page.js';
import { ApiKeysPage } from './pages/api-keys.js';
import { LinkPage } from './pages/link.js';
import { LogsPage } from './pages/logs/logs-page.js';
import { SettingsPage } from './pages/settings.js';
import { WebhooksPage } from './pages/webhooks.js';

export interface Route {
  path: string;
  label: string;
  title: string;
  render(p: PageProps): ComponentChildren;
}

export const ROUTES: Route[] = [
  { path: '/dashboard/accounts', label: 'Accounts', title: 'Linked accounts', render: (p) => <AccountsPage {...p} /> },
  { path: '/dashboard/link', label: 'Link account', title: 'Link an account', render: (p) => <LinkPage {...p} /> },
  { path: '/dashboard/keys', label: 'API keys', title: 'API keys', render: (p) => <ApiKeysPage {...p} /> },
  { path: '/dashboard/webhooks', label: 'Webhooks', title: 'Webhooks', render: (p) => <WebhooksPage {...p} /> },
  { path: '/dashboard/logs', label: 'Request logs', title: 'Request logs', render: (p) => <LogsPage {...p} /> },
  { path: '/dashboard/settings', label: 'Settings', title: 'Settings', render: (p) => <SettingsPage {...p} /> },
];

/** The route of a pathname; /dashboard and unknown paths show Accounts. */
export function routeFor(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/dashboard';
  return ROUTES.find((r) => r.path === path) ?? ROUTES[0];
}
