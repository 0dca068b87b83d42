// How many client connections a node holds at once (Node's server.maxConnections; Node sets none).
// Without a bound, idle keep-alive connections (one request each, renewed before the 72 s idle
// timeout) took every file descriptor the process may open: new clients timed out, and so would the
// node's own files, sockets to the provider and to PostgreSQL. Past the bound a new connection is
// closed at once, and the node keeps descriptors for its own work. An internet-facing node should
// still have a proxy in front that limits connections per client address (README, Configuration).
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';

const CEILING = 10_000;

/** Half of the process's soft limit on open files (Linux /proc), at most 10,000; 10,000 when unknown. */
export function defaultMaxConnections(limitsFile = '/proc/self/limits'): number {
  try {
    const line = readFileSync(limitsFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.slice('Max open files'.length).trim().split(/\s+/)[0]);
    if (Number.isInteger(soft) && soft > 0) return Math.max(16, Math.min(CEILING, Math.floor(soft / 2)));
  } catch {
    /* not Linux: the ceiling */
  }
  return CEILING;
}

/** Bounds the server's connections; refused ones are told in the log at most every 10 s. */
export function limitConnections(server: Server, max: number, warn: (msg: string) => void): void {
  server.maxConnections = max;
  let toldAt = 0;
  let dropped = 0;
  server.on('drop', () => {
    dropped++;
    const now = Date.now();
    if (now - toldAt < 10_000) return;
    toldAt = now;
    warn(`http: ${dropped} connection(s) closed at once: the node holds ${max} (LINKHUB_HTTP_MAX_CONNECTIONS)`);
    dropped = 0;
  });
}
