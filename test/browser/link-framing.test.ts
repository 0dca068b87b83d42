// Who may frame the Auth Link page, in real Chromium: the page's CSP frame-ancestors lists Linkhub's
// own origin and the origins its project allows (platform API or Dashboard setting). A parent page
// on an allowed origin shows the Hub in its iframe; the same page on another origin gets nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { connectSession } from '../helpers/linkhub.js';
import { chromiumSkip, type HostServer, startHostServer } from './browser.js';
import { type HubFixture, startHubFixture } from './fixture.js';

let fx: HubFixture;
let site: HostServer;

/** A parent page that frames ?src= and notes when the iframe has loaded (it fires load whether shown or refused). */
const PARENT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer site</title></head><body>
<iframe id="frame" title="Connect Stripe" style="width:560px;height:900px"></iframe>
<script>
  const f = document.getElementById('frame');
  f.addEventListener('load', () => { window.frameLoaded = true; });
  f.src = new URLSearchParams(location.search).get('src');
</script></body></html>`;

/** Opens the customer site at `origin` framing a fresh auth link; resolves once the iframe has loaded or been refused. */
async function framed(origin: string): Promise<{ page: Page; close: () => Promise<void>; problems: string[] }> {
  const { session } = await connectSession(fx.lh, { origin_owner_id: fx.newOwner() });
  const { page, context, problems } = await fx.openUrl(`${origin}/parent?src=${encodeURIComponent(session.auth_link_url)}`);
  await page.waitForFunction(() => (window as { frameLoaded?: boolean }).frameLoaded === true);
  return { page, problems, close: () => context.close() };
}

/** The frame showing /link, when Chromium let it load. */
const linkFrame = (page: Page) => page.frames().find((f) => new URL(f.url()).pathname === '/link') ?? null;

describe('framing the Auth Link page', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startHubFixture('framing');
    site = await startHostServer({ '/parent': PARENT, '/favicon.ico': (_req, res) => void res.writeHead(204).end() });
  });
  after(async () => {
    await site?.close();
    await fx?.close();
  });

  test('an allowed origin frames /link: the Hub shows in the iframe', async () => {
    const set = await fx.lh.api('PATCH', '/project/settings', { allowed_frame_origins: [site.url] });
    assert.equal(set.status, 200, set.text);
    const { page, close } = await framed(site.url);
    await page.frameLocator('#frame').getByRole('heading', { level: 1, name: 'Connect Stripe' }).waitFor();
    assert.ok(linkFrame(page), 'the frame holds the Auth Link page');
    await close();
  });

  test('another origin cannot frame /link: Chromium refuses it under frame-ancestors', async () => {
    // site.altUrl is the same server as localhost: another origin, not in the list
    const { page, close, problems } = await framed(site.altUrl);
    const frame = linkFrame(page);
    const shown = frame ? await frame.evaluate(() => document.querySelector('linkhub-hub') !== null).catch(() => false) : false;
    assert.equal(shown, false, 'the Hub is not shown in a frame of a disallowed origin');
    assert.ok(
      problems.some((p) => /frame-ancestors|Refused to frame/.test(p)),
      `Chromium reports the refusal: ${problems.join('; ')}`,
    );
    await close();
  });

  test('without an allowed origin (the default), only Linkhub itself may frame the page', async () => {
    const reset = await fx.lh.api('PATCH', '/project/settings', { allowed_frame_origins: [] });
    assert.deepEqual(reset.body, { allowed_frame_origins: [] });
    const { page, close } = await framed(site.url);
    assert.equal(
      linkFrame(page)
        ? await linkFrame(page)!
            .evaluate(() => document.querySelector('linkhub-hub') !== null)
            .catch(() => false)
        : false,
      false,
    );
    await close();
  });
});
