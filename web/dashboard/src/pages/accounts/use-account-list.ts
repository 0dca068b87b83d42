// The Accounts list: filters kept in the URL (text filters apply 300 ms after typing stops), keyset
// paging (Newer / Older), and a refresh every few seconds that highlights and announces accounts
// linked since the last one, or, on an older page, says that newer ones exist.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage, type AccountPage } from '../../api.js';
import { announce } from '../../components/announcer.js';
import { POLL_MS, usePoll } from '../../hooks/use-poll.js';
import { type Filters, readFilters, toQuery, urlQuery } from './filters.js';

export function useAccountList() {
  const [filters, setFilters] = useState<Filters>(readFilters);
  const [draft, setDraft] = useState({ owner: filters.owner, search: filters.search });
  /** cursors[i] is the cursor of page i+1 (null for the newest page). */
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [data, setData] = useState<AccountPage | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [newer, setNewer] = useState(false);
  const seq = useRef(0);
  const inFlight = useRef(false);
  const known = useRef<{ ids: Set<string>; newest: string | null } | null>(null);
  const topId = useRef<string | null>(null);
  const page = cursors.length;
  const cursor = cursors[cursors.length - 1];

  // Text filters apply 300 ms after typing stops.
  useEffect(() => {
    if (draft.owner === filters.owner && draft.search === filters.search) return;
    const t = setTimeout(() => applyFilters({ ...filters, owner: draft.owner, search: draft.search }), 300);
    return () => clearTimeout(t);
  }, [draft]);

  function applyFilters(next: Filters) {
    setFilters(next);
    setCursors([null]);
    history.replaceState(null, '', location.pathname + urlQuery(next));
  }

  async function load(silent: boolean) {
    if (silent && inFlight.current) return;
    const my = ++seq.current;
    inFlight.current = true;
    if (!silent) setLoading(true);
    try {
      const res = await api<AccountPage>('GET', '/accounts?' + toQuery(filters, cursor));
      if (my !== seq.current) return;
      const prev = known.current;
      if (silent && prev?.newest) {
        // Rows newer than the newest one shown before: linked since (not rows shifted up by a delete).
        const added = res.data.filter((a) => !prev.ids.has(a.id) && a.created_at > prev.newest!);
        if (added.length) {
          setFresh((s) => new Set([...s, ...added.map((a) => a.id)]));
          announce(added.length === 1 ? `New account linked: ${added[0].origin_owner_name}` : `${added.length} new accounts linked`);
        }
      }
      known.current = { ids: new Set(res.data.map((a) => a.id)), newest: res.data[0]?.created_at ?? prev?.newest ?? null };
      setData(res);
      setError(null);
      if (page === 1) {
        topId.current = res.data[0]?.id ?? null;
        setNewer(false);
      } else if (silent) {
        const head = await api<AccountPage>('GET', '/accounts?' + toQuery(filters, null, 1));
        if (my === seq.current && head.data[0] && head.data[0].id !== topId.current) setNewer(true);
      }
    } catch (e) {
      if (my === seq.current) setError(errorMessage(e));
    } finally {
      if (my === seq.current) {
        inFlight.current = false;
        setLoading(false);
      }
    }
  }

  useEffect(() => {
    known.current = null;
    if (page === 1) setFresh(new Set());
    void load(false);
  }, [filters, cursors]);

  usePoll(() => void load(true), POLL_MS);

  return {
    filters,
    draft,
    setDraft,
    applyFilters,
    page,
    data,
    setData,
    loading,
    error,
    fresh,
    newer,
    /** Back to the newest page (after "New accounts were linked"). */
    showNewest: () => setCursors([null]),
    showNewer: () => setCursors((c) => c.slice(0, -1)),
    showOlder: () => data?.next_cursor && setCursors((c) => [...c, data.next_cursor]),
    /** A refresh that keeps what is shown until the answer comes (after a change made here). */
    refresh: () => void load(true),
  };
}
