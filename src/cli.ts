#!/usr/bin/env node
// `linkhub`, the package's bin. For now one subcommand, `start`, which is `npm start` (the compiled
// src/main.ts): it serves with the configuration in the environment. Exit codes a script can rely
// on: 0 done, 2 a usage error (unknown command or option), and start's own (2 for a configuration
// error, 1 when start-up fails).
import { buildInfo } from './build-info.js';

const USAGE = `Usage: linkhub <command>

Commands:
  start          Serve Linkhub: configuration from environment variables (see the README)

Options:
  -h, --help     Show this help
  -v, --version  Show the version and the commit it was built from
`;

const [command, ...rest] = process.argv.slice(2);

function usageError(message: string): never {
  process.stderr.write(`linkhub: ${message}\n\n${USAGE}`);
  process.exit(2);
}

if (command === undefined) {
  usageError('no command given');
} else if (command === '-h' || command === '--help' || command === 'help') {
  process.stdout.write(USAGE);
} else if (command === '-v' || command === '--version') {
  process.stdout.write(`linkhub ${buildInfo.version} (commit ${buildInfo.commit ?? 'unknown'})\n`);
} else if (command === 'start') {
  if (rest.length > 0) usageError(`start takes no arguments (got ${rest.join(' ')}): it is configured by environment variables`);
  // main.js starts serving when loaded, and stays up until SIGTERM or SIGINT
  await import('./main.js');
} else {
  usageError(`unknown command ${JSON.stringify(command)}`);
}
