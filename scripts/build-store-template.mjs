#!/usr/bin/env node
// Part of `npm run build` (after tsc): makes the embedded store's template, dist/store-template/:
// a PGlite data directory initialised and migrated by this build's code, and manifest.json naming
// its migrations. A first start on an empty data directory copies it instead of running PGlite's
// initdb and every migration (src/store/embedded-start.ts). It holds the schema only: no project,
// no key, nothing secret.
import { chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openStore } from '../dist/src/store/db.js';
import { STORE_TEMPLATE_DIR, TEMPLATE_MANIFEST } from '../dist/src/store/embedded-start.js';
import { migrationIds } from '../dist/src/store/migration-journal.js';

// never seed the new template from the old one
rmSync(STORE_TEMPLATE_DIR, { recursive: true, force: true });
// built beside its place (one file system: the rename below), and renamed into place when whole
const building = mkdtempSync(join(dirname(STORE_TEMPLATE_DIR), 'store-template-'));
const store = await openStore({ databaseUrl: null, pgliteDir: building });
await store.close(); // a clean shutdown: checkpointed, nothing to recover at the next start
writeFileSync(join(building, TEMPLATE_MANIFEST), `${JSON.stringify({ migrations: migrationIds() }, null, 2)}\n`);
// mkdtemp made it owner-only: the server may run as another user than the build (the image's `node`)
chmodSync(building, 0o755);
renameSync(building, STORE_TEMPLATE_DIR);
console.log(`store template: ${migrationIds().length} migrations → ${STORE_TEMPLATE_DIR}`);
