// The admin socket's protocol: newline-delimited JSON over the Unix socket <dataDir>/linkhub.sock.
// The CLI sends one request line; the server answers with lines of output, notes and progress, then
// one `exit` line, and closes. One command per connection.
import { join } from 'node:path';

export const adminSocketPath = (dataDir: string) => join(dataDir, 'linkhub.sock');

/** The longest request line accepted (a command name and its few options). */
export const MAX_REQUEST_BYTES = 64 * 1024;

export interface AdminRequest {
  command: string;
  args: unknown;
  /** The id (fingerprint) of the caller's LINKHUB_MASTER_KEY, when it sets one: a command using the master key refuses another key. */
  masterKeyId: string | null;
}

export type AdminReply =
  | { t: 'out'; line: string }
  | { t: 'note'; line: string }
  | { t: 'progress'; verb: string; unit: string; total: number; done: number }
  | { t: 'progress-end' }
  | { t: 'exit'; code: number; error?: string };
