// The admin login and logout pages: self-contained HTML (no script, no external asset), so the
// Content-Security-Policy can forbid everything but the one inline style, pinned by its hash.
// Every value put into the page is escaped. Referrer policy "same-origin": nothing leaks to other
// sites, and the forms' POSTs carry this origin in their Origin header (with "no-referrer" the
// browser sends "Origin: null", which the same-origin guard refuses).

import { createHash } from 'node:crypto';

const STYLE = `
body { font: 15px/1.4 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
main { max-width: 22rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
h1 { font-size: 1.25rem; margin: 0 0 1rem; }
label { display: block; margin-bottom: .35rem; }
input[type=password] { box-sizing: border-box; width: 100%; padding: .5rem; border: 1px solid #b8bfcc; border-radius: 4px; }
button { margin-top: 1rem; padding: .5rem 1.2rem; border: 0; border-radius: 4px; background: #2f5bd3; color: #fff; cursor: pointer; }
.error { background: #fdecec; color: #8a1c1c; padding: .5rem .75rem; border-radius: 4px; }
p.hint { color: #5a6273; font-size: .85rem; }
`;

/** For the login and logout pages only: Bull Board's own page sets no such header. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The token form. It POSTs (the token never goes into a URL); `error` says why the last try failed. */
export function loginPage(opts: { action: string; error?: string }): string {
  return page('Sluice admin login', `<h1>Sluice admin</h1>
${opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>\n` : ''}<form method="post" action="${escapeHtml(opts.action)}">
<label for="token">Admin token</label>
<input type="password" id="token" name="token" autocomplete="current-password" required autofocus>
<button type="submit">Log in</button>
</form>
<p class="hint">The board (Bull Board) shows the queues of every region. Only admin tokens log in.</p>`);
}

/** A GET that only offers the POST: following a link never logs anyone out by itself. */
export function logoutPage(opts: { action: string }): string {
  return page('Sluice admin logout', `<h1>Log out of the board?</h1>
<form method="post" action="${escapeHtml(opts.action)}">
<button type="submit">Log out</button>
</form>`);
}
