// OAuth clients named by the URL of their metadata document (OAuth Client ID Metadata Document, the
// IETF draft the MCP authorization specification prefers to dynamic registration): the client's
// `client_id` is an https URL, and the document there says its name and redirect URIs. Nothing is
// stored: documents are fetched when a client is asked about and kept in memory for a while.
// Hand-written: it is a part of Linkhub's own authorization server (oauth.ts).
//
// Fetching a URL a stranger names is a server-side request forgery risk: by default (`public`) the
// document is fetched only from public unicast addresses, checked on the address connected to (the
// lookup, so a name that resolves elsewhere on a second try gains nothing), with no redirect followed,
// a small size and a short timeout. An operator may instead name the hosts documents come from.
import { type LookupAddress, lookup } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';
import { checkClientMetadata, type OAuthClient } from './client-metadata.js';
import { OAuthError } from './oauth-error.js';

/** The draft suggests 5 KB; a few redirect URIs and a name fit many times over. */
const MAX_DOCUMENT_BYTES = 16 * 1024;
/** The whole fetch, from the connection to the document's last byte (undici's own timeouts restart with each byte). */
const FETCH_TIMEOUT_MS = 5_000;
/** Fetches under way at once, across all hosts: past it a request is refused at once, to be tried again. */
const MAX_FETCHING = 16;
/** How long a document is kept: its Cache-Control max-age, within these bounds; without one, the default. */
const MIN_KEEP_MS = 60_000;
const MAX_KEEP_MS = 24 * 3_600_000;
const DEFAULT_KEEP_MS = 10 * 60_000;
/** A document that could not be used is asked for again after this long (so a page reloaded does not fetch it each time). */
const FAILURE_KEEP_MS = 30_000;
const MAX_KEPT = 1_000;

type Kept = { until: number; client: OAuthClient } | { until: number; error: OAuthError };

/** Why a `client_id` cannot be a client ID metadata document's URL, or null when it can. */
export function clientIdUrlProblem(id: string): string | null {
  if (id.length > 2000) return 'is longer than 2000 characters';
  if (!URL.canParse(id)) return 'is not an https URL';
  const u = new URL(id);
  if (u.protocol !== 'https:') return 'is not an https URL';
  if (u.username || u.password) return 'must not hold a user or password';
  if (u.hash || id.includes('#')) return 'must not have a fragment';
  if (u.pathname === '/') return 'must have a path';
  if (/[\u0000-\u0020\u007f]/.test(id)) return 'must not contain spaces or control characters';
  // The URL is compared as written, and fetched as parsed: they must be one. The parser folds `.` and
  // `..` segments (also written `%2e` or with `\`), the default port and the host's case away.
  if (u.href !== id)
    return `must be written as the URL it is (${u.href.slice(0, 200)}): no . or .. segments, backslashes, default port or capitals in the host`;
  return null;
}

/** Whether an address is a public unicast one (not loopback, private, link-local, unique-local, CGNAT, reserved…). */
function isPublic(address: string): boolean {
  try {
    const ip = ipaddr.process(address);
    // ::a.b.c.d, the deprecated IPv4-compatible form, is "unicast" to ipaddr.js
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) return false;
    return ip.range() === 'unicast';
  } catch {
    return false;
  }
}

export class ClientDocuments {
  private readonly kept = new Map<string, Kept>();
  private readonly reading = new Map<string, Promise<OAuthClient>>();
  private readonly agent: Agent;
  private fetching = 0;

  constructor(
    /** `public`: any host at a public address; else only these hosts, at any address. */
    private readonly from: 'public' | readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    const onlyPublic = from === 'public';
    this.agent = new Agent({
      connect: {
        timeout: FETCH_TIMEOUT_MS,
        // every address a name resolves to must be public, so the one connected to is
        lookup: (hostname, options, callback) => {
          lookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
            if (err) return callback(err, [] as never);
            const inner = onlyPublic ? addresses.find((a) => !isPublic(a.address)) : undefined;
            if (inner) return callback(Object.assign(new Error(`${hostname} resolves to an address that is not public`), { code: 'ENOTPUBLIC' }), [] as never);
            if ((options as { all?: boolean }).all) return callback(null, addresses as never);
            callback(null, addresses[0].address as never, addresses[0].family);
          });
        },
      },
      keepAliveTimeout: 10_000,
      connections: 8,
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** The client the document at `url` describes; OAuthError (invalid_client) saying why it cannot be used. */
  async client(url: string): Promise<OAuthClient> {
    const kept = this.kept.get(url);
    if (kept && kept.until > this.now()) {
      if ('error' in kept) throw kept.error;
      return kept.client;
    }
    let pending = this.reading.get(url);
    if (!pending) {
      pending = this.read(url).finally(() => this.reading.delete(url));
      this.reading.set(url, pending);
    }
    return pending;
  }

  private keep(url: string, k: Kept): void {
    this.kept.delete(url);
    if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value as string); // the oldest
    this.kept.set(url, k);
  }

  private async read(url: string): Promise<OAuthClient> {
    if (this.fetching >= MAX_FETCHING)
      throw new OAuthError('invalid_client', "Linkhub is reading other clients' metadata documents: try again in a few seconds", 401);
    this.fetching++;
    try {
      const { client, keepMs } = await this.fetchDocument(url);
      this.keep(url, { until: this.now() + keepMs, client });
      return client;
    } catch (e) {
      const error = e instanceof OAuthError ? e : new OAuthError('invalid_client', `the client's metadata document could not be fetched: ${reason(e)}`, 401);
      this.keep(url, { until: this.now() + FAILURE_KEEP_MS, error });
      throw error;
    } finally {
      this.fetching--;
    }
  }

  private async fetchDocument(url: string): Promise<{ client: OAuthClient; keepMs: number }> {
    const refuse = (why: string) => new OAuthError('invalid_client', `client_id ${JSON.stringify(url.slice(0, 200))} ${why}`, 401);
    const problem = clientIdUrlProblem(url);
    if (problem) throw refuse(problem);
    const parsed = new URL(url);
    const host = parsed.hostname;
    const bare = host.replace(/^\[|\]$/g, '');
    if (this.from !== 'public' && !this.from.includes(host)) throw refuse(`is on ${host}, not one of the hosts client documents are taken from`);
    // an address written in the URL is connected to without a lookup: it is checked here
    if (this.from === 'public' && isIP(bare) && !isPublic(bare)) throw refuse('is at an address that is not public');
    // one deadline for all of it: waiting for a connection, the answer and every byte of the body
    const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    const res = await request(url, { dispatcher: this.agent, headers: { accept: 'application/json' }, signal });
    if (res.statusCode !== 200) {
      await res.body.dump().catch(() => {}); // read off (or dropped past undici's limit), never an unheard 'error'
      throw refuse(`answered ${res.statusCode} instead of its metadata document (redirects are not followed)`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      // leaving the loop ends the body (the iterator's return), its error heard by the loop
      if (size > MAX_DOCUMENT_BYTES) throw refuse(`holds a document larger than ${MAX_DOCUMENT_BYTES} bytes`);
      chunks.push(chunk);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw refuse('holds no JSON document');
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw refuse('holds no JSON object');
    const metadata = doc as Record<string, unknown>;
    // compared as written: the draft forbids normalising either side
    if (metadata.client_id !== url) throw refuse('holds a document whose client_id is not this URL');
    const auth = metadata.token_endpoint_auth_method;
    if (auth !== undefined && auth !== 'none')
      throw refuse(`asks for token_endpoint_auth_method ${JSON.stringify(auth)}: Linkhub takes public clients (none) only`);
    const { name, redirectUris } = checkClientMetadata(metadata);
    // the name is the client's own word; its host is what the URL proves, and the person approving sees both
    const where = parsed.host; // with its port, when not the default
    const client = { id: url, name: `${name.slice(0, Math.max(10, 100 - where.length - 3))} (${where})`, redirectUris };
    return { client, keepMs: keepFor(res.headers['cache-control']) };
  }
}

/** How long to keep a document, from its Cache-Control (max-age), within the bounds. */
function keepFor(cacheControl: string | string[] | undefined): number {
  const m = /(?:^|,)\s*max-age=(\d+)/i.exec(String(cacheControl ?? ''));
  if (!m) return DEFAULT_KEEP_MS;
  return Math.min(MAX_KEEP_MS, Math.max(MIN_KEEP_MS, Number(m[1]) * 1000));
}

/**
 * Why a fetch failed, told without the network's own words: the page answers anyone, and "connection
 * refused" against "wrong TLS version" on each port, or a name's inner address, would map a network.
 */
function reason(e: unknown): string {
  let err = e as { name?: string; code?: string; cause?: unknown };
  while (err?.cause && typeof err.cause === 'object' && err.code !== 'ENOTPUBLIC') err = err.cause as typeof err;
  if (err?.code === 'ENOTPUBLIC') return 'its host resolves to an address that is not public';
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no whole answer within ${FETCH_TIMEOUT_MS / 1000} s`;
  return 'no answer over https';
}
