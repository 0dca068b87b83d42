#!/usr/bin/env node
// Part of `npm run build` (after tsc): learns the second pass of action search for each connector with
// labelled requests (src/services/actions/search-learn.ts) into dist/search-models/, which the server
// reads on a connector's first query instead of learning it then (about a minute on two cores).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connectors } from '../dist/src/connectors/registry.js';
import { buildSearchModel, SEARCH_MODELS_DIR } from '../dist/src/services/actions/search-model.js';

// each model replaces its old file in one rename (a server or test may be reading it meanwhile)
const built = new Set();
for (const c of connectors()) {
  const t0 = performance.now();
  if (!buildSearchModel(c)) continue;
  built.add(`${c.key}.model`);
  console.log(`search model: ${c.key} learned in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${SEARCH_MODELS_DIR}`);
}
// …and none is left of a connector that no longer has labelled requests
if (existsSync(SEARCH_MODELS_DIR)) for (const f of readdirSync(SEARCH_MODELS_DIR)) if (!built.has(f)) rmSync(join(SEARCH_MODELS_DIR, f), { force: true });
