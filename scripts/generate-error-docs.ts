/**
 * Generate docs/errors.md from the error catalogue (src/errors/catalogue.ts).
 *
 *   npm run generate:errors                               writes docs/errors.md
 *   npx tsx scripts/generate-error-docs.ts --check        writes nothing; exits 1 when it is stale
 *
 * One table per HTTP status: code, message template, what to do, retryable, extra fields. The output
 * depends on the catalogue alone (no dates), so test/error-catalogue.test.ts regenerates it and fails
 * when the committed file differs: an entry cannot be added or changed without its documentation.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeOf, type ErrorEntry, type ErrorName, errorEntry, errorNames } from '../src/errors/catalogue.js';

export const ERROR_DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/errors.md');

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => '`' + cell(s) + '`';

const INTRO = `# Errors

<!-- Generated from src/errors/catalogue.ts by \`npm run generate:errors\`: edit the catalogue, not this file. -->

Every error leaves Linkhub as StackOne's error body, \`{statusCode, message, timestamp}\`, plus
\`code\`, Linkhub's machine-readable reason, and the extra fields of its entry below:

\`\`\`json
{
  "statusCode": 412,
  "message": "Account acc_9f2… is inactive: it cannot be used until it is re-linked or re-enabled",
  "timestamp": "2026-01-01T00:00:00.000Z",
  "code": "account_not_callable",
  "account_status": "inactive"
}
\`\`\`

- **Message**: \`{name}\` stands for a value filled in per answer; \`{message}\` alone is a text
  written elsewhere and passed on (a connector's key rules and live test, the MCP transport).
- **Retryable**: yes when the same request may succeed later unchanged; the body then also says
  \`"retryable": true\` (and 429s say when, in \`retry_after_ms\` or \`retry_after\` and Retry-After);
  "after a person" when only a person's decision changes the answer: do not retry it by yourself. Its
  body says \`"retryable": true\` too, since the same request sent again after the decision gets the
  result. On a provider's own paths (\`/v1/…\`) the provider's retry header tells its SDKs whether to
  repeat a call by themselves: \`true\` for yes, \`false\` for "after a person" and no
  (\`Stripe-Should-Retry\`).
- A code may stand under two statuses: the same reason met at two stages (\`invalid_key\` when linking
  a key, 422, and when a call finds the stored key refused, 412).
- **Provider codes**: answers marked † carry the provider's own error code when it names one (e.g.
  Stripe's \`resource_missing\`), and the code shown here when it does not.
- An answer refused at \`/mcp\` itself also carries a JSON-RPC error (\`jsonrpc\`, \`error.code\`: -32602 for
  a 400, -32000 otherwise, \`id\`), on top of these fields.
- MCP tool calls report the same errors as tool results (\`isError: true\`, with \`statusCode\`,
  \`code\` and the extra fields in \`structuredContent.error\`); the proxy returns the provider's own
  errors as data (HTTP 200), not as these answers.
`;

function row(name: ErrorName, e: ErrorEntry): string {
  const extras = (e.extras ?? []).map(code).join(', ') || '–';
  return `| ${code(codeOf(name))}${e.providerCode ? ' †' : ''} | ${code(e.message)} | ${cell(e.action)} | ${e.retryable ? (e.awaitsPerson ? 'after a person' : 'yes') : 'no'} | ${extras} |`;
}

/** docs/errors.md as the catalogue says it. */
export function renderErrorDocs(): string {
  const groups = new Map<number | 'provider', ErrorName[]>();
  for (const name of errorNames()) {
    const s = errorEntry(name).status;
    groups.set(s, [...(groups.get(s) ?? []), name]);
  }
  const order = [...groups].sort(([a], [b]) => (a === 'provider' ? 1 : b === 'provider' ? -1 : a - b));
  const sections = order.map(([status, names]) => {
    const title = status === 'provider' ? "The provider's status (4xx, passed through)" : `${status} ${STATUS_CODES[status] ?? ''}`.trim();
    const rows = names.map((n) => row(n, errorEntry(n)));
    return [`## ${title}`, '', '| Code | Message | What to do | Retryable | Extra fields |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
  });
  return [INTRO.trimEnd(), ...sections].join('\n\n') + '\n';
}

function main(): void {
  const text = renderErrorDocs();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(ERROR_DOCS, 'utf8');
    } catch {
      /* missing: stale */
    }
    if (current !== text) {
      console.error('docs/errors.md is stale: run npm run generate:errors');
      process.exit(1);
    }
    console.log(`docs/errors.md is up to date (${errorNames().length} errors)`);
    return;
  }
  writeFileSync(ERROR_DOCS, text);
  console.log(`wrote docs/errors.md: ${errorNames().length} errors`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
