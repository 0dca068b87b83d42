// Shapes shared by the Hub's screens.
import type { AccountData, ConnectorConfig, HubSettings, Integration } from './api.js';

export type Mode = 'embedded' | 'page';

/** The heading level of a screen's title: h1 on the Auth Link page (the page's own), h2 embedded in a host page. */
export type HTag = 'h1' | 'h2';

/** Everything the Hub loads before it shows a form: the session, the connectors and, in edit mode, the account. */
export interface Loaded {
  settings: HubSettings;
  rows: Integration[];
  configs: Record<string, ConnectorConfig>;
  account: AccountData | null;
}
