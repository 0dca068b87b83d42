// The Hub's size: raw and gzipped bytes of web/dist/hub/hub.js (built first when missing or
// stale), against StackOne's @stackone/hub web component measured the same way, in the same run.
// Exits 1 when the Hub is over its 40 KB gzip budget.  Run: node --import tsx bench/hub-size.ts
import { existsSync } from 'node:fs';
import { ensureWebBuilt, gzipSize, HUB_GZIP_BUDGET, HUB_JS, STACKONE_WEBCOMPONENT } from '../test/browser/build.js';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const row = (name: string, s: { raw: number; gzip: number }) =>
  console.log(`${name.padEnd(50)} raw ${String(s.raw).padStart(8)} B (${kb(s.raw)})   gzip ${String(s.gzip).padStart(7)} B (${kb(s.gzip)})`);

await ensureWebBuilt((m) => console.log(m));
const hub = gzipSize(HUB_JS);
row('Linkhub Hub (web/dist/hub/hub.js)', hub);
if (existsSync(STACKONE_WEBCOMPONENT)) {
  const so = gzipSize(STACKONE_WEBCOMPONENT);
  row('StackOne Hub (@stackone/hub dist/webcomponent.js)', so);
  console.log(`ratio (gzip): Linkhub is ${((hub.gzip / so.gzip) * 100).toFixed(1)}% of StackOne's (${(so.gzip / hub.gzip).toFixed(1)}x smaller)`);
} else {
  console.log('StackOne Hub: @stackone/hub is not installed, no ratio');
}
if (hub.gzip > HUB_GZIP_BUDGET) {
  console.error(`FAIL: ${hub.gzip} bytes gzipped is over the ${HUB_GZIP_BUDGET}-byte (${kb(HUB_GZIP_BUDGET)}) budget`);
  process.exit(1);
}
console.log(`OK: within the ${kb(HUB_GZIP_BUDGET)} gzip budget`);
