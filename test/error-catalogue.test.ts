// The error catalogue (src/errors/catalogue.ts), walked entry by entry. Each entry must be
// (a) documented: docs/errors.md is what `npm run generate:errors` writes, and shows the entry's
//     code, message and what to do under its status;
// (b) reachable: a recipe (test/error-catalogue/recipes-*.ts) makes a real Linkhub answer it, and
//     the answer has the catalogue's status, code, message, extra fields and retryability, in
//     StackOne's error body, without a secret in it.
// An entry without a recipe, or a recipe naming no entry, fails the suite: adding an error means
// documenting it and showing how it happens.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { ERROR_DOCS, renderErrorDocs } from '../scripts/generate-error-docs.js';
import { getConnector, registerConnector } from '../src/connectors/registry.js';
import { codeOf, ERROR_DOMAINS, type ErrorName, errorEntry, errorNames, templateParams } from '../src/errors/catalogue.js';
import { agentRecipes } from './error-catalogue/recipes-agents.js';
import { authRecipes, notFoundRecipes } from './error-catalogue/recipes-auth.js';
import { callRecipes, providerRecipes } from './error-catalogue/recipes-calls.js';
import { linkingRecipes, requestRecipes } from './error-catalogue/recipes-requests.js';
import { serverRecipes } from './error-catalogue/recipes-server.js';
import { type Answer, type Recipe, type World, worldOf } from './error-catalogue/world.js';
import { fakepayConnector } from './fake-connector/connector.js';
import { useLinkhub } from './helpers/fixture.js';

const RECIPE_FILES = [authRecipes, notFoundRecipes, requestRecipes, linkingRecipes, callRecipes, providerRecipes, serverRecipes, agentRecipes];
const RECIPES: Record<string, Recipe> = Object.assign({}, ...RECIPE_FILES);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

// A second connector (test/fake-connector), registered before Linkhub starts: action_not_for_account needs one.
if (!getConnector(fakepayConnector.key)) registerConnector(fakepayConnector);
let w: World;
useLinkhub({}, async (f) => {
  w = await worldOf(f);
});
after(() => w?.close());

/** A template as a pattern: each `{param}` stands for any text (possibly empty). */
const templatePattern = (t: string) =>
  new RegExp(
    '^' +
      t
        .split(/\{[a-z_]+\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[\\s\\S]*') +
      '$',
  );

describe('the catalogue', () => {
  test('no name is defined in two domain files', () => {
    const seen = new Map<string, string>();
    for (const [domain, entries] of Object.entries(ERROR_DOMAINS)) {
      for (const name of Object.keys(entries)) {
        assert.ok(!seen.has(name), `${name} is in both ${seen.get(name)} and ${domain}`);
        seen.set(name, domain);
      }
    }
    assert.equal(seen.size, errorNames().length);
  });

  test('entries are well formed', () => {
    for (const name of errorNames()) {
      const e = errorEntry(name);
      assert.match(name, SNAKE, name);
      assert.match(codeOf(name), SNAKE, name);
      assert.ok(e.status === 'provider' || (Number.isInteger(e.status) && e.status >= 400 && e.status <= 599), `${name}: status ${e.status}`);
      assert.ok(e.status !== 'provider' || e.providerCode, `${name}: a provider's status comes with the provider's code`);
      assert.ok(e.message.length > 0 && e.message === e.message.trim(), `${name}: message`);
      for (const p of templateParams(e.message)) assert.match(p, SNAKE, `${name}: parameter ${p}`);
      assert.match(e.action, /^[A-Z`].*[.)]$/, `${name}: the action is one sentence`);
      for (const x of e.extras ?? []) assert.ok(!['statusCode', 'message', 'timestamp', 'code'].includes(x), `${name}: extra ${x}`);
    }
  });

  test('every entry has exactly one recipe, and every recipe is an entry', () => {
    const names = new Set<string>(errorNames());
    const counted = RECIPE_FILES.flatMap((r) => Object.keys(r));
    assert.deepEqual(
      counted.filter((n, i) => counted.indexOf(n) !== i),
      [],
      'a recipe is defined twice',
    );
    assert.deepEqual(
      counted.filter((n) => !names.has(n)),
      [],
      'recipes for codes that are not in the catalogue',
    );
    assert.deepEqual(
      [...names].filter((n) => !(n in RECIPES)),
      [],
      'catalogue entries without a recipe',
    );
  });
});

describe('docs/errors.md', () => {
  const docs = readFileSync(ERROR_DOCS, 'utf8');

  test('is what `npm run generate:errors` writes from the catalogue', () => {
    assert.ok(docs === renderErrorDocs(), 'docs/errors.md is stale: run npm run generate:errors');
  });

  test('shows every entry under its status, with its code, message and what to do', () => {
    const sections = docs.split(/^## /m).slice(1);
    for (const name of errorNames()) {
      const e = errorEntry(name);
      const section = sections.find((s) => (e.status === 'provider' ? s.startsWith("The provider's status") : s.startsWith(`${e.status} `)));
      assert.ok(section, `${name}: no section for ${e.status}`);
      const cell = (s: string) => s.replace(/\|/g, '\\|');
      const row = section.split('\n').find((l) => l.startsWith(`| \`${codeOf(name)}\``) && l.includes(cell(e.message)) && l.includes(cell(e.action)));
      assert.ok(row, `${name}: no row with its code, message and action`);
    }
  });
});

describe('every entry is reachable over HTTP', () => {
  for (const name of errorNames()) {
    test(name, async () => {
      const recipe = RECIPES[name];
      assert.ok(recipe, `no recipe for ${name}`);
      const run = typeof recipe === 'function' ? recipe : recipe.run;
      const provider = typeof recipe === 'function' ? undefined : recipe.provider;
      checkAnswer(name, await run(w), provider, w);
    });
  }
});

function checkAnswer(name: ErrorName, a: Answer, provider: { status?: number; code: string } | undefined, w: World): void {
  const e = errorEntry(name);
  const seen = JSON.stringify(a.body);
  const status = e.status === 'provider' ? provider?.status : e.status;
  assert.ok(status !== undefined, `${name}: the recipe must say which status the provider answers`);
  assert.equal(a.status, status, `${name}: status (${seen})`);
  assert.equal(typeof a.body, 'object', `${name}: a JSON body (${seen})`);
  assert.equal(a.body.statusCode, status, `${name}: statusCode (${seen})`);
  assert.equal(a.body.code, e.providerCode && provider ? provider.code : codeOf(name), `${name}: code (${seen})`);
  assert.equal(typeof a.body.message, 'string');
  assert.ok(a.body.message.length > 0, `${name}: an empty message`);
  assert.match(a.body.message, templatePattern(e.message), `${name}: the message follows its template`);
  if (!a.tool) assert.match(a.body.timestamp, ISO, `${name}: timestamp`);
  for (const x of e.extras ?? []) assert.ok(x in a.body, `${name}: extra field ${x} (${seen})`);
  if (e.retryable) assert.equal(a.body.retryable, true, `${name}: retryable (${seen})`);
  else assert.notEqual(a.body.retryable, true, `${name}: not retryable (${seen})`);
  // the stripe SDKs retry as Stripe-Should-Retry says, over their own rule (which retries any 409 or 5xx)
  // (not for a refusal only a person's decision changes: approval_required)
  if (a.native) assert.equal(a.headers?.get('stripe-should-retry'), e.retryable && !e.awaitsPerson ? 'true' : 'false', `${name}: Stripe-Should-Retry`);
  for (const secret of [...Object.values(w.stripe.keys), w.lh.apiKey]) assert.ok(!seen.includes(secret), `${name}: a key in the answer`);
}
