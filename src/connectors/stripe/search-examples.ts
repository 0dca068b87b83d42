// Requests people wrote for Stripe's actions, labelled with the actions that answer them: the task
// sets in search-examples/ (each task's first expected action learns the request's words; see
// SearchVocabulary.examples). Read on the search index's first build, not at start: thousands of
// requests the server does not need until someone searches.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SearchExample } from '../actions.js';

const SIBLING = new URL('./search-examples/', import.meta.url);
// Compiled to dist/src/connectors/stripe/: tsc copies src/**/*.json, but fall back to the source as actions.ts does.
const SOURCE_FALLBACK = new URL('../../../../src/connectors/stripe/search-examples/', import.meta.url);

/** The folder of the labelled sets: also read by the search bench and tests, which score the ranking on them. */
export const stripeSearchExamplesDir: string = fileURLToPath(existsSync(SIBLING) ? SIBLING : SOURCE_FALLBACK);

/** Every labelled request of every set in the folder. */
export function stripeSearchExamples(): SearchExample[] {
  return readdirSync(stripeSearchExamplesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => (JSON.parse(readFileSync(`${stripeSearchExamplesDir}/${f}`, 'utf8')) as { tasks: SearchExample[] }).tasks);
}
