/**
 * Postgres settings of the embedded store, beside PGlite's own. initdb writes shared_buffers = 128MB
 * and max_connections = 100 for a server; PGlite is one backend in this process, and those buffers
 * were touched at every start: 130 MB of resident memory and about a second of start-up
 * (bench/start.ts). Linkhub's embedded data is small; the operating system's page cache still holds
 * what the smaller buffer pool drops. Passed at start, so an existing data directory gets them too.
 * A module of its own: bench/start.ts starts a bare PGlite with the same settings.
 */
export const PGLITE_SETTINGS: readonly string[] = ['-c', 'shared_buffers=16MB', '-c', 'max_connections=8'];
