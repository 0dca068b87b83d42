// What this copy of Linkhub is: the package version, and the git commit it was built from.
// `npm run build` writes the commit next to the compiled module (scripts/build-info.mjs); run from
// source (tsx) or built outside a git checkout, there is none and the commit is null.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.js';

export interface BuildInfo {
  version: string;
  commit: string | null;
}

function readBuildInfo(): BuildInfo {
  const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  let commit: string | null = null;
  try {
    const built = JSON.parse(readFileSync(new URL('./build-info.json', import.meta.url), 'utf8')) as { commit?: unknown };
    if (typeof built.commit === 'string' && /^[0-9a-f]{7,64}$/.test(built.commit)) commit = built.commit;
  } catch {
    // not built (running from source): no commit to state
  }
  return { version, commit };
}

export const buildInfo: BuildInfo = readBuildInfo();
