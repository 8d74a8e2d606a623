/**
 * The Content-Security-Policy the reference server sends with the HTML pages it serves (/inbox/,
 * /site/, /react/), and the one README "Content-Security-Policy and Trusted Types" gives site
 * owners and embedding developers: scripts only from this origin (no inline script, no eval), no
 * plugins, no <base>, and Trusted Types required, with Lit's `lit-html` as the only policy (Lit
 * turns its own templates into TrustedHTML; Confab writes no HTML from strings and loads the chat
 * app with import(), which is no Trusted Types sink). The security suite loads these pages in
 * Chromium and counts violations (security/xss-sweep.test.mjs).
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Lit's styles are constructable stylesheets, which CSP does not govern; pages link theirs.
  "style-src 'self'",
  "img-src 'self' data:",
  // 'self' covers ws:/wss: to this host (CSP Level 3): the inbox's and the widget's socket.
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');
