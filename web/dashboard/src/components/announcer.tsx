// One polite live region for the whole app: announce() says what changed (a new account, a copied
// link, a finished action) to screen-reader users without moving their focus.
import { useState } from 'preact/hooks';

let setAnnouncement: (s: string) => void = () => {};
export function announce(message: string) {
  // Clear then set, so the same message twice is read twice.
  setAnnouncement('');
  setTimeout(() => setAnnouncement(message), 50);
}
export function Announcer() {
  const [text, setText] = useState('');
  setAnnouncement = setText;
  return (
    <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">
      {text}
    </div>
  );
}
