// The architecture as rules (run by `npm run lint` and test/house-rules.test.ts): no import cycles,
// and dependencies point inward only:
//   http → services → store / vault / connectors / upstream / errors
// connectors, store, vault, upstream and errors never reach out to an outer room, and the web
// front ends use nothing of the server but the connectors' pure key rules.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'Import cycles hide the shape of the code.', from: {}, to: { circular: true } },
    {
      name: 'inner-rooms-stay-inner',
      severity: 'error',
      comment: 'connectors, store, vault, upstream and errors are used by services, never the other way round.',
      from: { path: '^src/(connectors|store|vault|upstream|errors)/' },
      to: { path: '^src/(services|http)/' },
    },
    {
      name: 'connectors-are-self-contained',
      severity: 'error',
      comment: 'A connector folder is data and pure functions over the contract: no store, vault or upstream client.',
      from: { path: '^src/connectors/' },
      to: { path: '^src/(store|vault|upstream)/' },
    },
    {
      name: 'one-connector-knows-no-other',
      severity: 'error',
      from: { path: '^src/connectors/([^/]+)/' },
      to: { path: '^src/connectors/[^/]+/', pathNot: '^src/connectors/$1/' },
    },
    {
      name: 'upstream-is-provider-neutral',
      severity: 'error',
      comment: 'The HTTP client gets what differs per provider as data (UpstreamRules), not by importing a connector.',
      from: { path: '^src/upstream/' },
      to: { path: '^src/(connectors|store|vault)/' },
    },
    {
      name: 'services-do-not-serve-http',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'no-provider-code-outside-its-folder',
      severity: 'error',
      comment: 'Only the registry names a built-in connector; everything else reads the contract.',
      from: { path: '^src/', pathNot: '^src/connectors/' },
      to: { path: '^src/connectors/[^/]+/' },
    },
    {
      name: 'web-uses-only-key-rules',
      severity: 'error',
      comment: 'The browser bundles share the key rules with the server (the same messages), nothing else.',
      from: { path: '^web/' },
      to: { path: '^src/', pathNot: '^src/connectors/([^/]+/key-rules|keys)\\.ts$' },
    },
    {
      name: 'production-code-never-imports-tests',
      severity: 'error',
      from: { path: '^(src|web|scripts)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsConfig: { fileName: 'tsconfig.check.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
