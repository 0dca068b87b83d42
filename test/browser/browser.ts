// Shared pieces of the browser tests: Chromium (one per test file), a host page server on
// another origin, screenshots, and small page probes that see through shadow roots.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS_DIR = '/tmp/linkhub-shots';

/**
 * `describe(…, { skip: chromiumSkip() })`: a reason to skip when Chromium is absent, except under
 * CI=true, where nothing is skipped and the launch itself fails the tests.
 */
export function chromiumSkip(): string | false {
  if (existsSync(CHROMIUM) || process.env.CI === 'true') return false;
  return `Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH); browser tests skipped`;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: the browser tests need it (CI=true)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves /tmp/linkhub-shots/<name>.png (the whole page, or only the viewport: modal dialogs). */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const path = join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

export interface HostServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The same server as http://localhost:<port>: another origin, for iframes. */
  altUrl: string;
  close(): Promise<void>;
}

/** A tiny site on its own origin: path → HTML (or a handler). */
export async function startHostServer(routes: Record<string, string | ((req: IncomingMessage, res: ServerResponse) => void)>): Promise<HostServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes[path];
    if (typeof route === 'function') return route(req, res);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(route);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    altUrl: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A host page that embeds <linkhub-hub> with one script tag and records its events and messages. */
export function embedPage(linkhubUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host app</title>
<style>body{font-family:system-ui;margin:0;padding:24px;background:#fafafa}main{max-width:560px;margin:0 auto}</style>
<script src="${linkhubUrl}/hub.js"></script>
</head><body><main><h1>Host app</h1><div id="slot"></div></main>
<script>
  window.hubEvents = [];
  window.hubMessages = [];
  addEventListener('message', (e) => window.hubMessages.push({ origin: e.origin, data: e.data }));
  document.addEventListener('success', (e) => window.hubEvents.push({ type: 'success', detail: e.detail, target: e.target.tagName.toLowerCase() }));
  document.addEventListener('close', (e) => window.hubEvents.push({ type: 'close', target: e.target.tagName.toLowerCase() }));
  const q = new URLSearchParams(location.search);
  const hub = document.createElement('linkhub-hub');
  hub.setAttribute('token', q.get('token') || '');
  if (q.get('base')) hub.setAttribute('base-url', q.get('base'));
  if (q.get('theme')) hub.setAttribute('theme', q.get('theme'));
  document.getElementById('slot').appendChild(hub);
</script></body></html>`;
}

/** A parent page that frames another page and records the messages it receives. */
export const parentPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parent</title></head><body>
<h1>Parent app</h1>
<iframe id="frame" title="Connect Stripe" style="width:560px;height:900px;border:1px solid #ccc"></iframe>
<script>
  window.hubMessages = [];
  addEventListener('message', (e) => window.hubMessages.push({ origin: e.origin, data: e.data }));
  document.getElementById('frame').src = new URLSearchParams(location.search).get('src');
</script></body></html>`;

/** The focused element, looking inside shadow roots. */
export async function deepFocus(page: Page) {
  return page.evaluate(() => {
    let a: Element | null = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return null;
    return {
      tag: a.tagName.toLowerCase(),
      id: a.id,
      type: (a as HTMLInputElement).type ?? null,
      role: a.getAttribute('role'),
      label: a.getAttribute('aria-label'),
      text: (a.textContent ?? '').trim().slice(0, 200),
      inDialog: !!a.closest('dialog'),
    };
  });
}

/**
 * The focused element once `ok(focus)` holds, or the last one seen after `timeoutMs`: the Hub moves
 * focus in an effect that runs after the render a test waits for, so checking at once can be early.
 */
export async function settledFocus(page: Page, ok: (f: Awaited<ReturnType<typeof deepFocus>>) => boolean, timeoutMs = 3000) {
  const until = Date.now() + timeoutMs;
  let f = await deepFocus(page);
  while (!ok(f) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 25));
    f = await deepFocus(page);
  }
  return f;
}

export interface ContrastProblem {
  text: string;
  ratio: number;
  color: string;
  background: string;
}

/**
 * WCAG AA contrast of every visible text element inside the hub's shadow root (and open dialog):
 * text colour against the nearest opaque background, 4.5:1 (3:1 for large text). Disabled controls are exempt.
 */
// Browser-side source as a string: tsx would wrap named inner functions in a __name() helper
// that does not exist in the page.
const CONTRAST_PROBE = String.raw`(sel) => {
  const host = document.querySelector(sel);
  const root = host && host.shadowRoot;
  if (!root) throw new Error('no hub');
  const parse = (c) => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
    return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
  };
  const lum = (c) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const parentOf = (el) => el.parentElement || (el.parentNode && el.parentNode.host) || null;
  const background = (el) => {
    for (let e = el; e; e = parentOf(e)) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
      if (e.tagName === 'DIALOG' && e.open) break;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const problems = [];
  let checked = 0;
  for (const el of root.querySelectorAll('*')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const rect = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (!rect.width || !rect.height || cs.visibility === 'hidden' || el.closest('.sr-only')) continue;
    const button = el.closest('button');
    if (button && button.disabled) continue;
    const fg = parse(cs.color);
    const bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(cs.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
    checked++;
    if (ratio < (large ? 3 : 4.5)) {
      problems.push({ text: el.textContent.trim().slice(0, 60), ratio: Math.round(ratio * 100) / 100, color: cs.color, background: 'rgb(' + bg.r + ', ' + bg.g + ', ' + bg.b + ')' });
    }
  }
  return { checked, problems };
}`;

/**
 * WCAG AA contrast of every visible text element inside the hub's shadow root (and its open dialog):
 * text colour against the nearest opaque background, 4.5:1 (3:1 for large text). Disabled controls are exempt.
 */
export async function contrastProblems(page: Page, hostSelector = 'linkhub-hub'): Promise<{ checked: number; problems: ContrastProblem[] }> {
  return page.evaluate(`(${CONTRAST_PROBE})(${JSON.stringify(hostSelector)})`) as Promise<{ checked: number; problems: ContrastProblem[] }>;
}
