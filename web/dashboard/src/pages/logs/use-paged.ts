// A list read page by page ("Load more" with the server's `next`), newest first; the first page alone
// refreshes every few seconds, so new calls appear while nobody is reading older ones.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage, type Paged } from '../../api.js';
import { announce } from '../../components/announcer.js';
import { POLL_MS, usePoll } from '../../hooks/use-poll.js';
import { PAGE } from './filters.js';

export /** Pages of a list at `path?query`, newest first; the first page alone is refreshed while shown. */
function usePaged<T>(path: string, query: string) {
  const [rows, setRows] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [max, setMax] = useState<number | null>(null);
  const seq = useRef(0);
  async function load(more: boolean) {
    const my = ++seq.current;
    setLoading(true);
    try {
      const res = await api<Paged<T>>('GET', `${path}?${query}${more && next ? '&next=' + encodeURIComponent(next) : ''}`);
      if (my !== seq.current) return;
      setRows((r) => (more && r ? [...r, ...res.data] : res.data));
      setNext(res.next);
      setMax(res.max ?? null);
      setError(null);
      if (more) announce(`${res.data.length} more loaded`);
    } catch (e) {
      if (my === seq.current) setError(errorMessage(e));
    } finally {
      if (my === seq.current) setLoading(false);
    }
  }
  useEffect(() => void load(false), [query]);
  usePoll(() => !loading && (rows?.length ?? 0) <= PAGE && void load(false), POLL_MS);
  return { rows, next, max, loading, error, loadMore: () => void load(true) };
}
