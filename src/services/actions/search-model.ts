// Where the second pass of action search gets its model: learned by `npm run build`
// (scripts/build-search-models.mjs) into dist/search-models/, read on a connector's first query (by
// the build, or by the sources run beside it, as the tests do); a model learned from other requests or
// another catalogue than the running ones, or (where the sources are at hand) by other search code, is
// not used. Without a usable built one (a connector registered at start, sources changed since the
// build), the model is learned on that first query: about a minute for the built-in connector's
// requests.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectorDefinition } from '../../connectors/types.js';
import { learnSearchModel, modelFingerprint } from './search-learn.js';
import { NEAR_FEATURES } from './search-neighbours.js';
import type { SearchModel } from './search-rerank.js';

/** dist/search-models/ of a build (this file is dist/src/services/actions/search-model.js there). */
export const SEARCH_MODELS_DIR = fileURLToPath(new URL('../../../search-models/', import.meta.url));
/** …and of the build beside the sources, when they run (src/services/actions/search-model.ts). */
const BESIDE_SOURCES = fileURLToPath(new URL('../../../dist/search-models/', import.meta.url));

/** The sources' src/, where a checkout has them (the container image has only the build). */
const SOURCES = [new URL('../../../../src/', import.meta.url), new URL('../../', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((dir) => existsSync(join(dir, 'services/actions/search-rank.ts')));

/** A digest of the search's code and the connector's search vocabulary, as sources; null without them. */
function sourceDigest(key: string): string | null {
  if (SOURCES === undefined) return null;
  const h = createHash('sha256');
  for (const dir of ['services/actions', `connectors/${key}`].map((d) => join(SOURCES, d)).filter(existsSync))
    for (const f of readdirSync(dir)
      .filter((f) => f.startsWith('search') && f.endsWith('.ts'))
      .sort())
      h.update(`${f}\n`).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

export interface Header {
  /** what it learned from: modelFingerprint() */
  fingerprint: string;
  /** the code that learned it, where the build had the sources */
  sources: string | null;
  bits: number;
  base: number;
  near: number[];
}

const models = new Map<string, SearchModel | null>();

/** The connector's model: built, else learned now; null when it has no labelled requests. */
export function searchModel(connector: ConnectorDefinition): SearchModel | null {
  let model = models.get(connector.key);
  if (model === undefined) {
    const examples = connector.actions.vocabulary.examples?.() ?? [];
    const learned = examples.length ? { fingerprint: modelFingerprint(connector, examples), sources: sourceDigest(connector.key) } : null;
    model = learned
      ? (readBuilt(SEARCH_MODELS_DIR, connector.key, learned) ?? readBuilt(BESIDE_SOURCES, connector.key, learned) ?? learnSearchModel(connector, examples))
      : null;
    models.set(connector.key, model);
  }
  return model;
}

/** Uses this model for the connector from now on (a bench's, learned from the sources it measures). */
export function useSearchModel(key: string, model: SearchModel | null): void {
  models.set(key, model);
}

/**
 * A built model's file: a 4-byte length (little-endian), its header as JSON, its weights (Float32,
 * little-endian). One file, written whole and renamed into place: a server (or a test) reading it
 * while a build writes it sees the old one or the new one, never half of either.
 */
const modelFile = (dir: string, key: string) => join(dir, `${key}.model`);

/** The header of the connector's built model, where the server would read it; null without one. */
export function builtModelHeader(key: string): Header | null {
  for (const dir of [SEARCH_MODELS_DIR, BESIDE_SOURCES]) {
    const bytes = readModel(dir, key);
    if (bytes) return bytes.header;
  }
  return null;
}

function readModel(dir: string, key: string): { header: Header; weights: Buffer } | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(modelFile(dir, key));
  } catch {
    return null; // none built
  }
  const length = bytes.readUInt32LE(0);
  return { header: JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as Header, weights: bytes.subarray(4 + length) };
}

function readBuilt(dir: string, key: string, now: Pick<Header, 'fingerprint' | 'sources'>): SearchModel | null {
  const built = readModel(dir, key);
  if (built === null) return null;
  const h = built.header;
  if (h.fingerprint !== now.fingerprint || (h.sources !== null && now.sources !== null && h.sources !== now.sources)) return null;
  // a copy: the file's bytes may not be aligned for a Float32Array view
  const weights = new Float32Array(built.weights.byteLength / 4);
  new Uint8Array(weights.buffer).set(built.weights);
  return weights.length === 1 << h.bits && h.near?.length === NEAR_FEATURES ? { bits: h.bits, base: h.base, near: h.near, weights } : null;
}

/** Learns the connector's model and writes it where a build's server reads it; false when it has no labelled requests. */
export function buildSearchModel(connector: ConnectorDefinition, dir = SEARCH_MODELS_DIR): boolean {
  const examples = connector.actions.vocabulary.examples?.() ?? [];
  const model = learnSearchModel(connector, examples);
  if (model === null) return false;
  const header: Header = {
    fingerprint: modelFingerprint(connector, examples),
    sources: sourceDigest(connector.key),
    bits: model.bits,
    base: model.base,
    near: model.near,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  mkdirSync(dir, { recursive: true });
  const building = `${modelFile(dir, connector.key)}.${process.pid}`;
  writeFileSync(building, Buffer.concat([length, json, Buffer.from(model.weights.buffer)]));
  renameSync(building, modelFile(dir, connector.key));
  return true;
}
