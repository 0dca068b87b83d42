// What a CLI command's handler gets, wherever it runs: in the `linkhub` process on a store it opened
// itself, or inside the server that holds the embedded store (through its admin socket). The handler
// cannot tell the difference but by `server`: output, notes and progress reach the user's terminal
// either way.
import type { ApiKeyService } from '../services/admin/api-keys.js';
import type { Verifier } from '../services/accounts/verifier.js';
import type { CliStore } from './store.js';

/** Progress of one long piece of work: shown as a bar on a terminal, as plain lines otherwise. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** What a progress says: `<verb> <done>/<total> <unit>` (e.g. "re-wrapped 3/7 data key(s)"). */
export interface ProgressLabel {
  verb: string;
  unit: string;
  total: number;
}

/** Where a command writes: `out` is stdout (the result), `note` stderr (what a person should know). */
export interface CommandOutput {
  out(line: string): void;
  note(line: string): void;
  progress(label: ProgressLabel): Progress;
}

/** The services a command uses, from the server's own instances when it runs inside the server. */
export interface CommandServices {
  apiKeys: ApiKeyService;
  /** The scheduled re-verification's rules, audit and webhooks, for a test run now (needs the master key). */
  verifier(): Promise<Verifier>;
  /** Writes the calls still batched in memory (a server's call log), so an export sees them; nothing to do elsewhere. */
  flushRequestLog(): Promise<void>;
}

export interface CommandContext extends Omit<CliStore, 'close'>, CommandOutput {
  services: CommandServices;
  /** The PID of the server the command runs in (through its admin socket), or null: in the CLI's own process. */
  server: number | null;
}
