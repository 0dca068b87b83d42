// Which sites may frame a project's Auth Link page (/link): a customer that shows the Hub inside an
// iframe on its own site lists that site's origin here; everything else is refused by the page's
// CSP `frame-ancestors` (Linkhub's own origin always may). Embedding the Hub as a web component is
// not framing and needs nothing here. The list is per project, read on every /link page load
// (rare: one per end user linking) from the project row.
import { eq } from 'drizzle-orm';
import { fail } from '../../errors/fail.js';
import type { Db } from '../../store/db.js';
import { projects } from '../../store/schema.js';

export const MAX_FRAME_ORIGINS = 32;

/**
 * An origin as CSP writes a host source: scheme, host (optionally `*.` for its subdomains), port.
 * No path, no quote, space or semicolon: the value goes into a header as it is.
 */
const ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

/** The list as stored: each origin lowercase, without a trailing slash or default port, once. */
export function normaliseFrameOrigins(list: readonly string[]): string[] {
  if (list.length > MAX_FRAME_ORIGINS) {
    throw fail(
      'invalid_input',
      { field: 'allowed_frame_origins', problem: `lists more than ${MAX_FRAME_ORIGINS} origins` },
      { field: 'allowed_frame_origins' },
    );
  }
  const out: string[] = [];
  list.forEach((raw, i) => {
    const o = raw
      .trim()
      .toLowerCase()
      .replace(/\/$/, '')
      .replace(/^(https:\/\/[^/]+):443$/, '$1')
      .replace(/^(http:\/\/[^/]+):80$/, '$1');
    if (!ORIGIN.test(o)) {
      const field = `allowed_frame_origins.${i}`;
      throw fail('invalid_input', { field, problem: 'must be an origin: https://host or https://host:port (https://*.host for its subdomains)' }, { field });
    }
    if (!out.includes(o)) out.push(o);
  });
  return out;
}

export class FrameOriginsService {
  constructor(private readonly db: Db) {}

  async get(projectId: string): Promise<string[]> {
    const [row] = await this.db.select({ origins: projects.allowedFrameOrigins }).from(projects).where(eq(projects.id, projectId)).limit(1);
    return row?.origins ?? [];
  }

  /** Replaces the project's list (validated and normalised); returns it as stored. */
  async set(projectId: string, list: readonly string[]): Promise<string[]> {
    const origins = normaliseFrameOrigins(list);
    await this.db.update(projects).set({ allowedFrameOrigins: origins }).where(eq(projects.id, projectId));
    return origins;
  }
}
