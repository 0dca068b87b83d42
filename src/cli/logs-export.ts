// `linkhub logs export`: the glue between the command line and services/logs/export.ts (which
// reads, orders, redacts and formats). Output on stdout, or written atomically to --output.
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseDuration } from '../config.js';
import { writeFileAtomically } from '../services/atomic-file.js';
import { exportLogs, type LogExportFormat, type LogExportKind } from '../services/logs/export.js';
import { CliError, withStore } from './store.js';

export interface LogsExportFlags {
  since: string;
  until?: string;
  kind: LogExportKind;
  format: LogExportFormat;
  output?: string;
  project?: string;
}

/** An ISO-8601 time, or a duration back from now (`90m`, `24h`, `7d`). */
export function pointInTime(v: string, now = Date.now()): Date | null {
  const back = /^\d+(s|m|h|d)$/i.test(v.trim()) ? parseDuration(v) : Number.NaN;
  const d = Number.isNaN(back) ? new Date(/^\d{4}-\d\d-\d\d/.test(v) ? v : Number.NaN) : new Date(now - back);
  const year = d.getUTCFullYear(); // NaN for an invalid date
  return year >= 1970 && year <= 9999 ? d : null;
}

export async function logsExportCommand(flags: LogsExportFlags): Promise<void> {
  const since = pointInTime(flags.since);
  const until = flags.until === undefined ? undefined : pointInTime(flags.until);
  if (!since || until === null) {
    throw new CliError(`--${since ? 'until' : 'since'} must be an ISO-8601 time (2026-12-01T00:00:00Z) or a duration back from now (90m, 24h, 7d)`, 2);
  }
  if (until && until < since) throw new CliError('--until is before --since', 2);
  await withStore('logs export', async (s) => {
    const text = exportLogs(s.store.db, { kind: flags.kind, format: flags.format, since, until, projectId: flags.project });
    if (flags.output) {
      const file = resolve(flags.output);
      process.stderr.write(`Wrote ${await writeFileAtomically(file, text)} bytes to ${file}.\n`);
    } else await pipeline(text, process.stdout, { end: false });
  });
}
