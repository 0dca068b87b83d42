// <linkhub-hub token="…" base-url="…" theme="light|dark" mode="page"> — the Hub as a web component
// with its own shadow DOM and styles. Fires `success` ({detail: {id, provider}}) and `close`;
// inside an iframe it also posts {type: 'AccountConnected', account} to the parent window.
import { render } from 'preact';
import { Hub, type Mode } from './hub.js';
import css from './styles.css?inline';

type Account = { id: string; provider: string };

// Where this script came from: the default base URL (the Linkhub that served /hub.js).
const scriptOrigin = (() => {
  try {
    const src = (document.currentScript as HTMLScriptElement | null)?.src;
    return src ? new URL(src, location.href).origin : location.origin;
  } catch {
    return location.origin;
  }
})();

let sheet: CSSStyleSheet | null = null;
function addStyles(root: ShadowRoot) {
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = css;
    root.appendChild(style);
  }
}

function tellOtherWindows(account: Account, mode: Mode) {
  const message = { type: 'AccountConnected', account };
  try {
    if (window.parent && window.parent !== window) window.parent.postMessage(message, '*');
  } catch {
    /* a detached frame */
  }
  try {
    if (mode === 'page' && window.opener && !window.opener.closed) window.opener.postMessage(message, '*');
  } catch {
    /* the opener navigated away */
  }
}

export class LinkhubHubElement extends HTMLElement {
  static get observedAttributes() {
    return ['token', 'base-url', 'mode'];
  }

  /** Optional callbacks, as on StackOne's element. */
  onSuccess?: (account: Account) => void;
  onClose?: () => void;

  private mountPoint: HTMLDivElement | null = null;

  connectedCallback() {
    if (!this.shadowRoot) {
      const root = this.attachShadow({ mode: 'open' });
      addStyles(root);
      this.mountPoint = document.createElement('div');
      root.appendChild(this.mountPoint);
    }
    this.update();
  }

  disconnectedCallback() {
    if (this.mountPoint) render(null, this.mountPoint);
  }

  attributeChangedCallback() {
    if (this.isConnected && this.mountPoint) this.update();
  }

  private update() {
    const mode: Mode = this.getAttribute('mode') === 'page' ? 'page' : 'embedded';
    const token = this.getAttribute('token') || (mode === 'page' ? new URLSearchParams(location.search).get('token') : null);
    const baseUrl = this.getAttribute('base-url') || scriptOrigin;
    render(
      <Hub
        key={`${baseUrl} ${token}`}
        token={token}
        baseUrl={baseUrl}
        mode={mode}
        onSuccess={(account) => {
          const detail = { id: account.id, provider: account.provider };
          this.dispatchEvent(new CustomEvent('success', { detail, bubbles: true, composed: true }));
          tellOtherWindows(detail, mode);
          this.onSuccess?.(detail);
        }}
        onClose={() => {
          this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }));
          this.onClose?.();
        }}
      />,
      this.mountPoint!,
    );
  }
}

if (!customElements.get('linkhub-hub')) customElements.define('linkhub-hub', LinkhubHubElement);
