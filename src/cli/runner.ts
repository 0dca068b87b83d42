// Where a command of the registry runs: inside the server that holds the embedded store (through
// its admin socket), or here on a store this process opens (no server holds it, or PostgreSQL).
import { masterKeyId } from '../vault/master-key.js';
import { connectAdmin, runRemote } from './admin-client.js';
import { checkLine, failed } from './doctor.js';
import { runInProcess } from './direct.js';
import { terminal } from './progress.js';
import { argsProblem, commandSpec } from './registry.js';
import { CliError, cliConfig } from './store.js';

export async function runCommand(name: string, args: Record<string, unknown>): Promise<void> {
  const spec = commandSpec(name);
  if (!spec) throw new CliError(`unknown command ${name}`, 2);
  const plain: unknown = JSON.parse(JSON.stringify(args)); // what travels over the socket, also when it does not
  const problem = argsProblem(spec, plain);
  if (problem) throw new CliError(`invalid arguments: ${problem}`, 2);
  const config = cliConfig();
  spec.refuses?.(config, plain as never);
  if (!config.databaseUrl) {
    const conn = await connectAdmin(config.dataDir);
    if (conn) {
      const request = { command: name, args: plain, masterKeyId: config.masterKey ? masterKeyId(config.masterKey) : null };
      return runRemote(conn, request, terminal);
    }
  }
  await runInProcess(name, spec, plain, terminal);
}

/** `doctor`: a configuration that does not load, or a store that cannot be opened, is a failed check too (exit 1). */
export async function runDoctor(): Promise<void> {
  try {
    await runCommand('doctor', {});
  } catch (e) {
    if (e instanceof CliError && e.message.startsWith('doctor:')) throw e;
    const config = e instanceof CliError && e.exitCode === 2;
    terminal.out(
      checkLine(
        failed(
          config
            ? `the configuration does not load: ${e.message.replace(/^configuration error: /, '')}`
            : `the store cannot be opened: ${(e as Error).message}`,
        ),
      ),
    );
    throw new CliError(`doctor: ${config ? 'the configuration does not load' : 'the store cannot be opened'}`);
  }
}
