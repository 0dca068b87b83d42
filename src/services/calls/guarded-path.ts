// The request target of a call, guarded (resolveUpstreamPath, src/upstream/url-guard.ts): the
// proxy's url + path, a native path's URL. The guard is pure for a fixed profile, and a client
// repeats the same few targets, so recent answers (accepted and refused) are remembered.
import { resolveUpstreamPath, UpstreamUrlError } from '../../upstream/index.js';
import type { CallProfile } from './profiles.js';

const MAX = 2048;
/** Longer targets (a long query) are guarded each time: the cache stays small. */
const MAX_KEY_CHARS = 2048;
const cache = new Map<string, string | UpstreamUrlError>();

/** The guarded target relative to the profile's API root; throws UpstreamUrlError when refused. */
export function guardedPath(profile: CallProfile, url: string | null | undefined, path: string | null | undefined): string {
  const key = `${profile.base}\u0000${url ?? ''}\u0000${path ?? ''}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    try {
      hit = resolveUpstreamPath(profile.base, { url, path }, { aliases: profile.aliases });
    } catch (e) {
      if (!(e instanceof UpstreamUrlError)) throw e;
      hit = e;
    }
    if (key.length <= MAX_KEY_CHARS) {
      if (cache.size >= MAX) cache.clear();
      cache.set(key, hit);
    }
  }
  if (typeof hit !== 'string') throw hit;
  return hit;
}
