// What the shell (app.tsx) gives every page. Pages import this, never the shell itself: the shell
// imports the pages (routes.tsx), so the import graph stays acyclic.
import type { SessionInfo } from './api.js';

export type Theme = 'light' | 'dark';

export interface PageProps {
  session: SessionInfo;
  /** The theme in use (resolved from the preference): the Hub opened in a dialog follows it. */
  theme: Theme;
  /** Client-side navigation to another /dashboard/* path (History API). */
  navigate(path: string): void;
}
