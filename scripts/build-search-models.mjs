#!/usr/bin/env node
// Part of `npm run build` (after tsc): learns the second pass of action search for each connector with
// labelled requests (src/services/actions/search-learn.ts) into dist/search-models/, which the server
// reads on a connector's first query instead of learning it then (about thirty seconds on two cores).
import { rmSync } from 'node:fs';
import { connectors } from '../dist/src/connectors/registry.js';
import { buildSearchModel, SEARCH_MODELS_DIR } from '../dist/src/services/actions/search-model.js';

// never serve a model of requests since removed
rmSync(SEARCH_MODELS_DIR, { recursive: true, force: true });
for (const c of connectors()) {
  const t0 = performance.now();
  if (buildSearchModel(c)) console.log(`search model: ${c.key} learned in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${SEARCH_MODELS_DIR}`);
}
