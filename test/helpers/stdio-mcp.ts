// A spawned stdio MCP process (mcp-remote, the MCP Inspector CLI) as a test drives it: its stderr
// watched for a line, JSON-RPC over its stdin/stdout answered by id. Waits on output, never on time.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface StdioMcp {
  child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `re` in stderr (already written or still to come); rejects if the process exits first. */
  waitForStderr(re: RegExp): Promise<RegExpMatchArray>;
  request(method: string, params?: Record<string, unknown>): Promise<any>;
  notify(method: string, params?: Record<string, unknown>): void;
  close(): Promise<void>;
}

export function spawnStdioMcp(command: string, args: string[], env: Record<string, string>): StdioMcp {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  const watchers = new Set<() => void>();
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const w of [...watchers]) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pending = new Map<number, (m: any) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let m: any;
    try {
      m = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof m.id === 'number' && pending.has(m.id)) {
      pending.get(m.id)!(m);
      pending.delete(m.id);
    }
  });
  let nextId = 1;
  const write = (m: unknown) => child.stdin!.write(`${JSON.stringify(m)}\n`);
  return {
    child,
    stderr: () => err,
    waitForStderr(re) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = err.match(re);
          if (m) {
            watchers.delete(check);
            resolve(m);
          }
        };
        watchers.add(check);
        check();
        void exited.then((code) => {
          if (watchers.delete(check)) reject(new Error(`exited (${code}) before ${re}: ${err}`));
        });
      });
    },
    request(method, params = {}) {
      const id = nextId++;
      const answer = new Promise<any>((resolve, reject) => {
        pending.set(id, resolve);
        void exited.then((code) => pending.has(id) && reject(new Error(`exited (${code}) before answering ${method}: ${err}`)));
      });
      write({ jsonrpc: '2.0', id, method, params });
      return answer;
    },
    notify(method, params = {}) {
      write({ jsonrpc: '2.0', method, params });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
