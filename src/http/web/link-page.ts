// The hosted Auth Link page (`auth_link_url` = <public URL>/link?token=…): the Hub, full page.
// The token is read by the script from the address bar; it is never written into the HTML.
import { createHash } from 'node:crypto';

const STYLE = 'html,body{margin:0;min-height:100%;background:#f6f7fb}@media (prefers-color-scheme:dark){html,body{background:#0b0f1c}}';
const styleHash = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>Connect your account</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
<script src="/hub.js" defer></script>
</head>
<body>
<linkhub-hub mode="page"></linkhub-hub>
<noscript><p>This page needs JavaScript to connect your account.</p></noscript>
</body>
</html>
`;

/**
 * The page and its CSP. `frameOrigins`: the origins the session's project allows to frame the page
 * (validated origins, services/projects/frame-origins.ts); Linkhub's own origin always may.
 */
export function linkPage(publicUrl: string, frameOrigins: readonly string[] = []): { html: string; csp: string } {
  let extra = '';
  try {
    extra = ' ' + new URL(publicUrl).origin;
  } catch {
    /* self only */
  }
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    `style-src ${styleHash}`,
    `connect-src 'self'${extra}`,
    `img-src 'self' data:${extra}`,
    "base-uri 'none'",
    "form-action 'none'",
    ['frame-ancestors', "'self'", ...frameOrigins].join(' '),
  ].join('; ');
  return { html: HTML, csp };
}
