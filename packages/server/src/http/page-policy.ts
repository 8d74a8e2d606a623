import { createHash } from 'node:crypto';

/**
 * The strict policy README "Content-Security-Policy and Trusted Types" asks of hosts, which the demo
 * pages (`/inbox/`, `/site/`) also state in a `<meta>` so that they keep it wherever they are served.
 */
export const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https:; connect-src 'self'; " +
  "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'; " +
  'trusted-types lit-html dompurify confab-widget';

/**
 * A signed-in inbox inside another site's frame can be clicked through without the agent seeing it
 * (clickjacking). `frame-ancestors` only works in a header — a `<meta>` policy ignores it — so every
 * page the server writes says it here; `X-Frame-Options` covers browsers without CSP level 2. Its
 * own origin may frame it (no one can clickjack from there, and the phone-sized journeys in WebKit
 * run the demo site in a frame of that size).
 */
const NO_FRAMING = "frame-ancestors 'self'";

/**
 * Headers for an HTML page: its policy (plus no framing), no MIME sniffing, and no referrer — the
 * inbox shows links people wrote, and a page's address is nobody else's business.
 */
export function pageHeaders(policy?: string): Record<string, string> {
  return {
    'content-security-policy': policy ? `${policy}; ${NO_FRAMING}` : NO_FRAMING,
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}

/** `'sha256-…'` of an inline `<style>` or `<script>`, so that a policy can allow that one and no other. */
export function inlineHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}
