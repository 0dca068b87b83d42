// Horizontal overflow at phone widths, measured as the browser sees it: a box overflows when its
// content is wider than the box (scrollWidth > clientWidth). Checked for the document (the page would
// scroll sideways) and for every container on the page and in shadow roots (cards, dialogs, alerts,
// forms, fields…), never by pixel positions or screenshots.
//
// Each screen is measured twice: with the machine's own fonts, and with "wide text", a stylesheet that
// makes every glyph, and above all monospace text and form controls, far wider than any real font.
// A layout that holds with wide text holds with whatever monospace font a machine happens to have
// (Noto Sans Mono is wider than DejaVu Sans Mono, and an input's intrinsic width follows its font).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

export const PHONE_WIDTHS = [360, 390] as const;

/**
 * The boxes that must hold their content. Scroll containers (.table-wrap, pre.code) are left out on
 * purpose: their content may be wider, it scrolls inside them, and the box itself is checked as part
 * of its container.
 */
export const CONTAINERS = [
  'body',
  'main',
  'header',
  'nav',
  'section',
  'form',
  'fieldset',
  'dialog',
  '.card',
  '.field',
  '.alert',
  '.hub',
  '.message',
  '.summary',
  '.current',
  '.env',
  '.notice',
  '.filters',
  '.pager',
  '.tabs',
  '.details',
  '.button-row',
  '.dialog-actions',
  '.page-actions',
].join(', ');

/** Wider than any font: spacing on all text, monospace and form controls at 20 px with wide tracking. */
const WIDE_TEXT = `
* { letter-spacing: 0.08em !important; word-spacing: 0.25em !important; }
input, select, textarea, button, code, pre, kbd, samp, .mono { font-size: 20px !important; }
input, textarea, code, pre, kbd, samp, .mono { letter-spacing: 0.3em !important; }
`;

// Browser-side sources as strings: tsx would wrap named inner functions in a __name() helper that
// does not exist in the page.
const ROOTS = `() => {
  const roots = [document];
  for (let i = 0; i < roots.length; i++) for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  return roots;
}`;

/** Adds (or removes) the wide-text sheet to the document and to every shadow root. */
const WIDE_TEXT_TOGGLE = `([on, css]) => {
  const roots = (${ROOTS})();
  if (!window.__wideText) {
    window.__wideText = new CSSStyleSheet();
    window.__wideText.replaceSync(css);
  }
  for (const root of roots) {
    const rest = root.adoptedStyleSheets.filter((s) => s !== window.__wideText);
    root.adoptedStyleSheets = on ? [...rest, window.__wideText] : rest;
  }
}`;

/**
 * Every visible container (and the document) whose content is wider than its box, with a hint of
 * what sticks out (the first descendants reaching past its right edge) for the failure message.
 */
const OVERFLOW_PROBE = `(selector) => {
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + [...el.classList].map((c) => '.' + c).join('');
  const out = [];
  const check = (el, where) => {
    if (el.scrollWidth <= el.clientWidth) return;
    const box = el === document.documentElement ? { left: 0 } : el.getBoundingClientRect();
    const edge = box.left + el.clientLeft + el.clientWidth;
    // content of a scroll container inside el is clipped by it: not what sticks out of el
    const clipped = (c) => { for (let a = c.parentElement; a && a !== el; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true; return false; };
    const sticking = [...el.querySelectorAll('*')]
      .filter((c) => { const r = c.getBoundingClientRect(); return r.width > 0 && r.right > edge + 0.5 && !clipped(c); })
      .slice(0, 3)
      .map(name);
    out.push({ where, scroll: el.scrollWidth, client: el.clientWidth, sticking });
  };
  check(document.documentElement, 'the page');
  for (const root of (${ROOTS})()) {
    const inside = root === document ? '' : name(root.host) + ' ';
    for (const el of root.querySelectorAll(selector)) if (el.getClientRects().length) check(el, inside + name(el));
  }
  return out;
}`;

interface Overflow {
  where: string;
  scroll: number;
  client: number;
  sticking: string[];
}

async function wideText(page: Page, on: boolean): Promise<void> {
  await page.evaluate(`(${WIDE_TEXT_TOGGLE})(${JSON.stringify([on, WIDE_TEXT])})`);
}

/**
 * What overflows on the page as it is now, at each phone width, with the machine's fonts and with
 * wide text: one line per overflowing box ("<screen> at 360 px with wide text: .card: content 334 px
 * in 310 px …"). The viewport is put back afterwards.
 */
export async function phoneOverflows(page: Page, screen: string, containers = CONTAINERS): Promise<string[]> {
  const before = page.viewportSize() ?? { width: 1280, height: 900 };
  const lines: string[] = [];
  for (const wide of [false, true]) {
    await wideText(page, wide);
    for (const width of PHONE_WIDTHS) {
      await page.setViewportSize({ width, height: before.height });
      const found = (await page.evaluate(`(${OVERFLOW_PROBE})(${JSON.stringify(containers)})`)) as Overflow[];
      for (const o of found) {
        const what = o.sticking.length ? ` (sticking out: ${o.sticking.join(', ')})` : '';
        lines.push(`${screen} at ${width} px${wide ? ' with wide text' : ''}: ${o.where}: content ${o.scroll} px in ${o.client} px${what}`);
      }
    }
  }
  await wideText(page, false);
  await page.setViewportSize(before);
  return lines;
}

/** Collects the overflows of the screens a test visits, to fail once at the end with all of them. */
export function overflowLog() {
  const lines: string[] = [];
  return {
    async check(page: Page, screen: string): Promise<void> {
      lines.push(...(await phoneOverflows(page, screen)));
    },
    assertNone(): void {
      assert.deepEqual(lines, [], `${lines.length} overflows:\n${lines.join('\n')}`);
    },
  };
}
