// Starts a local Stripe stand-in for manual runs:
//   node --import tsx test/stripe-standin/cli.ts [--port 12111] [--host 127.0.0.1] [--rate-limits] [--no-log]
// Prints the URL and the stand-in's keys. They are FAKE keys that only this local process accepts.
import { startStripeStandin } from './index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const port = Number(arg('--port') ?? 12111);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: cli.ts [--port 12111] [--host 127.0.0.1] [--rate-limits] [--no-log]');
  process.exit(2);
}

const standin = await startStripeStandin({
  port,
  host: arg('--host') ?? '127.0.0.1',
  rateLimits: process.argv.includes('--rate-limits') ? {} : false,
  log: !process.argv.includes('--no-log'),
});

const lines = [
  `Local Stripe stand-in listening on ${standin.url}`,
  'These are FAKE keys of a local stand-in (not Stripe keys; they work only against this process):',
  ...Object.entries(standin.keys).map(([name, key]) => `  ${name.padEnd(28)} ${key}`),
  `Accounts: main ${standin.accounts.main.id} (${standin.accounts.main.name}), other ${standin.accounts.other.id} (${standin.accounts.other.name})`,
  `Try: curl ${standin.url}/v1/customers?limit=3 -H "Authorization: Bearer ${standin.keys.secretTest}"`,
  `SDK: new Stripe(key, { host: '${standin.host}', port: ${standin.port}, protocol: 'http', telemetry: false })`,
  'Ctrl-C to stop.',
];
console.log(lines.join('\n'));

const stop = (): void => {
  standin.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
