#!/usr/bin/env node
// Checks that every link to a section of docs/*.md resolves, so that the comments which cite
// `docs/stripe.md#rate-limits` instead of restating a fact keep pointing at something when a
// heading is renamed. Exits 1 and lists the broken links.
//
// Found: `docs/<name>.md#<anchor>` anywhere in a tracked text file (and `#<anchor>` right after it
// on the same line, `(docs/stripe.md#idempotency, #stand-in-idempotency)`), and Markdown links
// `](<name>.md#<anchor>)` / `](#<anchor>)` inside docs/. Anchors are GitHub's heading slugs.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = /^(vendor\/|package-lock\.json$)|\.(json|png|svg|ico|woff2?)$/;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces → hyphens. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorsCache = new Map();
function anchorsOf(doc) {
  if (!anchorsCache.has(doc)) {
    const path = join(ROOT, doc);
    const anchors = new Set();
    if (existsSync(path)) {
      for (const m of readFileSync(path, 'utf8').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) anchors.add(slug(m[1]));
    }
    anchorsCache.set(doc, existsSync(path) ? anchors : null);
  }
  return anchorsCache.get(doc);
}

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !SKIP.test(f) && existsSync(join(ROOT, f)) && lstatSync(join(ROOT, f)).isFile());

const broken = [];
let count = 0;
for (const file of files) {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  lines.forEach((line, i) => {
    const links = [];
    for (const m of line.matchAll(/docs\/([\w.-]+\.md)#([\w-]+)((?:,\s*#[\w-]+)*)/g)) {
      links.push([`docs/${m[1]}`, m[2]]);
      for (const more of m[3].matchAll(/#([\w-]+)/g)) links.push([`docs/${m[1]}`, more[1]]);
    }
    if (file.startsWith('docs/')) {
      for (const m of line.matchAll(/\]\(([\w.-]+\.md)?#([\w-]+)\)/g)) {
        links.push([m[1] ? relative(ROOT, join(ROOT, dirname(file), m[1])) : file, m[2]]);
      }
    }
    for (const [doc, anchor] of links) {
      count++;
      const anchors = anchorsOf(doc);
      if (!anchors) broken.push(`${file}:${i + 1}: ${doc} does not exist`);
      else if (!anchors.has(anchor)) broken.push(`${file}:${i + 1}: ${doc}#${anchor} is not a heading`);
    }
  });
}

if (broken.length > 0) {
  console.error(`${broken.length} broken doc link(s):\n${broken.join('\n')}`);
  process.exit(1);
}
console.log(`doc links: ${count} checked, all resolve`);
