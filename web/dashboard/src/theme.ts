// The theme: the user's choice (system, light, dark), remembered in localStorage, and the system
// preference followed live while the choice is "system". main.tsx applies a stored choice before the
// first paint; this hook keeps <html data-theme> right afterwards.
import { useEffect, useState } from 'preact/hooks';
import type { Theme } from './page.js';

export type ThemePref = 'system' | Theme;

export function useTheme(): [ThemePref, (t: ThemePref) => void, Theme] {
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
