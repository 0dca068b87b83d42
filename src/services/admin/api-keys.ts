// Projects and their platform API keys. Keys are stored as SHA-256 digests and compared in
// constant time; a short in-memory cache keeps the hot path free of database reads. A revocation
// reaches the caches of every node through the store's change feed, and revalidate() checks the
// cached keys against the store (the fallback when a notification was lost).
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { ChangeFeed } from '../../store/change-feed.js';
import type { Db } from '../../store/db.js';
import { apiKeys, projects } from '../../store/schema.js';
import { newId, randomBase62, sameDigest, sha256 } from '../ids.js';
import { fail } from '../../errors/fail.js';

export interface Project {
  id: string;
  name: string;
  organizationId: number;
}

export interface ApiKeyPrincipal {
  keyId: string;
  project: Project;
}

const CACHE_MS = 5_000;
/**
 * Longer Authorization headers are checked each time, never remembered by header: no key Linkhub
 * issues is near this long, and an unbounded key let 10,000 headers of 15,000 characters hold
 * ~200 MB (as agent tokens' presentedBy, src/http/agent-auth.ts).
 */
const HEADER_CHARS = 512;
/** The change-feed topic of API keys (by key id). */
const API_KEY_TOPIC = 'api_key';

type Cached = { principal: ApiKeyPrincipal | null; until: number };

export class ApiKeyService {
  /** By SHA-256 of the key. */
  private cache = new Map<string, Cached>();
  /** By the Authorization header that presented the key (skips decoding and hashing on repeat calls). */
  private byHeader = new Map<string, Cached>();
  /** Reads of the store under way, by SHA-256 of the key. */
  private readonly reading = new Map<string, Promise<Cached>>();
  private lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly changes: ChangeFeed,
  ) {
    changes.subscribe(API_KEY_TOPIC, (keyId) => this.forget(new Set([keyId])));
    changes.onResync(() => {
      this.cache.clear();
      this.byHeader.clear();
    });
  }

  /** Drops the cached entries of these key ids (their answers must be read from the store again). */
  private forget(keyIds: ReadonlySet<string>): void {
    for (const map of [this.cache, this.byHeader]) {
      for (const [k, v] of map) if (v.principal && keyIds.has(v.principal.keyId)) map.delete(k);
    }
  }

  /** Drops the cached keys revoked (or deleted) since they were read. */
  async revalidate(): Promise<void> {
    const ids = new Set<string>();
    for (const v of this.cache.values()) if (v.principal) ids.add(v.principal.keyId);
    for (const v of this.byHeader.values()) if (v.principal) ids.add(v.principal.keyId);
    if (ids.size === 0) return;
    const live = await this.db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(inArray(apiKeys.id, [...ids]), isNull(apiKeys.revokedAt)));
    for (const r of live) ids.delete(r.id);
    if (ids.size) this.forget(ids);
  }

  /** On an empty store: the default project and its first key (the given one, or a new one returned once). */
  async ensureDefaultProject(givenKey: string | null): Promise<{ project: Project; createdKey: string | null }> {
    const existing = await this.db.select().from(projects).limit(1);
    if (existing[0]) return { project: existing[0], createdKey: null };
    const project: Project = { id: 'default', name: 'Default project', organizationId: 1 };
    await this.db.insert(projects).values(project).onConflictDoNothing();
    const key = givenKey ?? generateApiKey();
    await this.insertKey(project.id, 'Default key', key);
    return { project, createdKey: givenKey ? null : key };
  }

  async create(projectId: string, name: string): Promise<{ id: string; key: string; hint: string }> {
    const key = generateApiKey();
    const id = await this.insertKey(projectId, name, key);
    return { id, key, hint: key.slice(-4) };
  }

  private async insertKey(projectId: string, name: string, key: string): Promise<string> {
    const id = newId('key', 12);
    await this.db.insert(apiKeys).values({ id, projectId, name, secretHash: sha256(key), hint: key.slice(-4) });
    return id;
  }

  async list(projectId: string) {
    return this.db
      .select({
        id: apiKeys.id,
        name: apiKeys.name,
        hint: apiKeys.hint,
        createdAt: apiKeys.createdAt,
        lastUsedAt: apiKeys.lastUsedAt,
        revokedAt: apiKeys.revokedAt,
      })
      .from(apiKeys)
      .where(eq(apiKeys.projectId, projectId));
  }

  async revoke(projectId: string, id: string): Promise<void> {
    const rows = await this.db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.projectId, projectId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (!rows[0]) throw fail('api_key_not_found');
    this.changes.publish(API_KEY_TOPIC, id);
  }

  /** The principal (or null: invalid) cached for this Authorization header; undefined when not cached. */
  cachedForHeader(header: string): ApiKeyPrincipal | null | undefined {
    const hit = this.byHeader.get(header);
    if (hit === undefined) return undefined;
    const now = Date.now();
    if (hit.until <= now) {
      this.byHeader.delete(header);
      return undefined;
    }
    if (hit.principal) this.touch(hit.principal.keyId, now);
    return hit.principal;
  }

  /** The principal for a presented key, or null; remembered for `header` too when given. */
  async verify(presented: string, header?: string): Promise<ApiKeyPrincipal | null> {
    const digest = sha256(presented);
    const now = Date.now();
    const hit = this.cache.get(digest);
    if (hit && hit.until > now) {
      if (hit.principal) this.touch(hit.principal.keyId, now);
      if (header !== undefined) this.rememberHeader(header, hit);
      return hit.principal;
    }
    // One read per key at a time: when the entry expires under load, the requests then in flight
    // share it (each made its own before: tens of identical reads every CACHE_MS).
    let read = this.reading.get(digest);
    if (read === undefined) {
      read = this.read(digest).finally(() => this.reading.delete(digest));
      this.reading.set(digest, read);
    }
    const entry = await read;
    if (header !== undefined) this.rememberHeader(header, entry);
    if (entry.principal) this.touch(entry.principal.keyId, Date.now());
    return entry.principal;
  }

  private async read(digest: string): Promise<Cached> {
    const rows = await this.db
      .select({ id: apiKeys.id, secretHash: apiKeys.secretHash, project: projects })
      .from(apiKeys)
      .innerJoin(projects, eq(projects.id, apiKeys.projectId))
      .where(and(eq(apiKeys.secretHash, digest), isNull(apiKeys.revokedAt)))
      .limit(1);
    const row = rows[0];
    const principal = row && sameDigest(row.secretHash, digest) ? { keyId: row.id, project: row.project } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    const entry = { principal, until: Date.now() + CACHE_MS };
    this.cache.set(digest, entry);
    return entry;
  }

  private rememberHeader(header: string, entry: Cached): void {
    if (header.length > HEADER_CHARS) return;
    if (this.byHeader.size > 10_000) this.byHeader.clear();
    this.byHeader.set(header, entry);
  }

  /** Records last use at most once a minute per key, off the request path. */
  private touch(keyId: string, now: number): void {
    if ((this.lastUsedWrites.get(keyId) ?? 0) > now - 60_000) return;
    this.lastUsedWrites.set(keyId, now);
    this.db
      .update(apiKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(apiKeys.id, keyId))
      .catch(() => {});
  }
}

export function generateApiKey(): string {
  return `lh_${randomBase62(40)}`;
}
