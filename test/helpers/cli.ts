// Runs the `linkhub` CLI as a process (node --import tsx src/cli.ts) with only the given environment
// (plus PATH/HOME/TMPDIR), to its exit; every output is kept for the no-secret checks.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';

const cliScript = join(projectRoot, 'src', 'cli.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Every CLI output of the run (stdout + stderr of each command). */
export const cliOutputs: string[] = [];

export function cli(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return run(process.execPath, ['--import', 'tsx', cliScript, ...args], env);
}

function run(file: string, argv: string[], env: Record<string, string>): Promise<CliRun> {
  const base: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG']) if (process.env[k] !== undefined) base[k] = process.env[k];
  const child = spawn(file, argv, {
    cwd: projectRoot,
    env: { ...base, LINKHUB_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      cliOutputs.push(stdout + stderr);
      resolve({ code, stdout, stderr });
    }),
  );
}

/**
 * Runs `linkhub <args>` on a pseudo-terminal (util-linux `script`), as a person at a terminal runs it:
 * stdout and stderr arrive together, as the terminal shows them.
 */
export function cliOnTerminal(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  const quote = (a: string) => `'${a.replaceAll("'", `'\\''`)}'`;
  const command = [process.execPath, '--import', 'tsx', cliScript, ...args].map(quote).join(' ');
  return run('script', ['-qefc', command, '/dev/null'], env);
}
