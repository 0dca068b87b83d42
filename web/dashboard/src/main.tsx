// Entry point of the Linkhub Dashboard (served at /dashboard).
import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

// Apply a stored theme before the first paint of the app.
try {
  const t = localStorage.getItem('linkhub-theme');
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
} catch {
  /* storage unavailable */
}

render(<App />, document.getElementById('app')!);
