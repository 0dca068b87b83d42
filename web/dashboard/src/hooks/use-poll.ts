// Lists refresh themselves: new accounts, calls and deliveries appear without a reload.
import { useEffect, useRef } from 'preact/hooks';

/** How often the list pages refresh. */
export const POLL_MS = 4000;

/** Calls fn every `ms` while the tab is visible, and at once when it becomes visible again. */
export function usePoll(fn: () => void, ms: number) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === 'visible') ref.current();
    };
    const t = setInterval(tick, ms);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(t);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [ms]);
}
