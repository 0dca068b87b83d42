// The dashboard's pages: path, navigation label and heading, and how to render each.
import type { ComponentChildren } from 'preact';
import type { PageProps } from './page.js';
import { AccountsPage } from './pages/accounts/accounts-page.js';
import { AgentsPage } from './pages/agents/agents-page.js';
import { ConnectPage } from './pages/agents/connect-page.js';
import { ApiKeysPage } from './pages/api-keys.js';
import { ApprovalsPage } from './pages/approvals/approvals-page.js';
import { LinkPage } from './pages/link.js';
import { LogsPage } from './pages/logs/logs-page.js';
import { SettingsPage } from './pages/settings.js';
import { WebhooksPage } from './pages/webhooks.js';

export interface Route {
  path: string;
  label: string;
  title: string;
  render(p: PageProps): ComponentChildren;
  /** The navigation entry it belongs under, when it is no entry itself (an account's pages: Accounts). */
  under?: string;
}

export const ROUTES: Route[] = [
  { path: '/dashboard/accounts', label: 'Accounts', title: 'Linked accounts', render: (p) => <AccountsPage {...p} /> },
  { path: '/dashboard/link', label: 'Link account', title: 'Link an account', render: (p) => <LinkPage {...p} /> },
  { path: '/dashboard/approvals', label: 'Approvals', title: 'Approvals', render: (p) => <ApprovalsPage {...p} /> },
  { path: '/dashboard/keys', label: 'API keys', title: 'API keys', render: (p) => <ApiKeysPage {...p} /> },
  { path: '/dashboard/webhooks', label: 'Webhooks', title: 'Webhooks', render: (p) => <WebhooksPage {...p} /> },
  { path: '/dashboard/logs', label: 'Request logs', title: 'Request logs', render: (p) => <LogsPage {...p} /> },
  { path: '/dashboard/settings', label: 'Settings', title: 'Settings', render: (p) => <SettingsPage {...p} /> },
];

/** An account's own pages, /dashboard/accounts/<id>/<page>; the page reads the id (accountIdOf). */
const ACCOUNT_PAGES: Record<string, Omit<Route, 'path'>> = {
  agents: { label: 'Agents', title: 'Agents', under: '/dashboard/accounts', render: (p) => <AgentsPage {...p} /> },
  connect: { label: 'Connect an agent', title: 'Connect an agent', under: '/dashboard/accounts', render: (p) => <ConnectPage {...p} /> },
};

/** The route of a pathname; /dashboard and unknown paths show Accounts. */
export function routeFor(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/dashboard';
  const own = /^\/dashboard\/accounts\/[^/]+\/([a-z]+)$/.exec(path);
  if (own && ACCOUNT_PAGES[own[1]]) return { path, ...ACCOUNT_PAGES[own[1]] };
  return ROUTES.find((r) => r.path === path) ?? ROUTES[0];
}
