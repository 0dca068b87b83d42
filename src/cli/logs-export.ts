// `linkhub logs export`: the glue between the command line and services/logs/export.ts (which
// reads, orders, redacts and formats). Output on stdout, or written atomically to --output. A command
// of the registry: inside the server that holds the embedded store, else on the store it opens.
import { resolve } from 'node:path';
import { parseDuration } from '../config.js';
import { writeFileAtomically } from '../services/atomic-file.js';
import { exportLogs, type LogExportFormat, type LogExportKind } from '../services/logs/export.js';
import { type Static, Type } from 'typebox';
import type { CommandContext } from './context.js';
import { CliError } from './store.js';

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

export const LogsExportArgs = Type.Object(
  {
    since: Type.String({ minLength: 20, maxLength: 40 }),
    until: Type.Optional(Type.String({ minLength: 20, maxLength: 40 })),
    kind: Type.Union([Type.Literal('requests'), Type.Literal('audit'), Type.Literal('all')]),
    format: Type.Union([Type.Literal('ndjson'), Type.Literal('csv')]),
    output: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    project: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** The command line's flags as the command's arguments: times resolved here (\`24h\` is back from this moment), --output absolute. */
export function logsExportArgs(flags: LogsExportFlags): Static<typeof LogsExportArgs> {
  const since = pointInTime(flags.since);
  const until = flags.until === undefined ? undefined : pointInTime(flags.until);
  if (!since || until === null) {
    throw new CliError(`--${since ? 'until' : 'since'} must be an ISO-8601 time (2026-12-01T00:00:00Z) or a duration back from now (90m, 24h, 7d)`, 2);
  }
  if (until && until < since) throw new CliError('--until is before --since', 2);
  return {
    since: since.toISOString(),
    ...(until ? { until: until.toISOString() } : {}),
    kind: flags.kind,
    format: flags.format,
    ...(flags.output ? { output: resolve(flags.output) } : {}),
    ...(flags.project ? { project: flags.project } : {}),
  };
}

/** Sends `text` to stdout line by line (through a server's admin socket too). */
async function outLines(ctx: CommandContext, text: AsyncIterable<string | Buffer>): Promise<void> {
  let rest = '';
  for await (const chunk of text) {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) ctx.out(line);
  }
  if (rest) ctx.out(rest);
}

/** `logs export`: runs where the store is open, inside the server that holds it too (its batched calls written first). */
export async function logsExportCommand(ctx: CommandContext, args: Static<typeof LogsExportArgs>): Promise<void> {
  await ctx.services.flushRequestLog();
  const opts = {
    kind: args.kind,
    format: args.format,
    since: new Date(args.since),
    until: args.until ? new Date(args.until) : undefined,
    projectId: args.project,
    apiBases: ctx.config.apiBases,
  };
  const text = exportLogs(ctx.store.db, opts);
  if (args.output) ctx.note(`Wrote ${await writeFileAtomically(args.output, text)} bytes to ${args.output}.`);
  else await outLines(ctx, text);
}
