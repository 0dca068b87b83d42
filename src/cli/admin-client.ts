// The CLI's side of the admin socket (admin-socket.ts): send one command to the server holding the
// embedded store, and show what it answers as if the command ran here (stdout, stderr, progress,
// exit code).
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { type AdminReply, type AdminRequest, adminSocketPath } from './admin-protocol.js';
import type { CommandOutput, Progress } from './context.js';
import { CliError } from './store.js';

/** Failures that mean no server listens there (no file, a file left by a killed server, a path too long). */
const NOBODY = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK', 'ENAMETOOLONG']);

/** A connection to the server's admin socket in `dataDir`, or null when no server answers there. */
export function connectAdmin(dataDir: string): Promise<Socket | null> {
  const path = adminSocketPath(dataDir);
  return new Promise((resolve, reject) => {
    const conn = connect(path);
    conn.once('connect', () => {
      conn.off('error', onError);
      resolve(conn);
    });
    const onError = (e: NodeJS.ErrnoException) => {
      if (NOBODY.has(e.code ?? '')) resolve(null);
      else if (e.code === 'EACCES' || e.code === 'EPERM')
        reject(new CliError(`the admin socket ${path} is another user's: run linkhub as the user the server runs as`));
      else reject(new CliError(`the admin socket ${path} cannot be used: ${e.message}`));
    };
    conn.once('error', onError);
  });
}

/** Runs `request` in the server on `conn` to its end; a failure there is thrown here as CliError with its exit code. */
export async function runRemote(conn: Socket, request: AdminRequest, output: CommandOutput): Promise<void> {
  let progress: Progress | null = null;
  let exit: { code: number; error?: string } | null = null;
  let failure: Error | null = null;
  conn.on('error', (e) => (failure = e));
  conn.write(`${JSON.stringify(request)}\n`);
  for await (const line of createInterface({ input: conn, crlfDelay: Infinity })) {
    const r = JSON.parse(line) as AdminReply;
    if (r.t === 'out') output.out(r.line);
    else if (r.t === 'note') output.note(r.line);
    else if (r.t === 'progress') {
      progress ??= output.progress(r);
      progress.update(r.done);
    } else if (r.t === 'progress-end') {
      progress?.stop();
      progress = null;
    } else exit = r;
  }
  progress?.stop();
  if (!exit) {
    throw new CliError(
      `the server closed the admin socket before \`linkhub ${request.command}\` finished${failure ? ` (${(failure as Error).message})` : ''} (it may have stopped): run the command again`,
    );
  }
  if (exit.code !== 0) throw new CliError(exit.error ?? 'the command failed in the server', exit.code);
}
