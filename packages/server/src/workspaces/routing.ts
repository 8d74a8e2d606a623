import { ConfabError } from '@confab/core';
import { AGENT_SESSION_PREFIX, AGENT_TOKEN_PREFIX, VISITOR_TOKEN_PREFIX, hashToken } from '../auth/authenticator.js';
import { normaliseOrigin } from '../http/host-check.js';
import {
  DEFAULT_WORKSPACE,
  isSiteKey,
  type CredentialKind,
  type WorkspaceDirectory,
} from '../storage/workspace-directory.js';

/** The credential kind a token's prefix names, or null (an unknown token: the hub refuses it). */
export function credentialKind(token: string): CredentialKind | null {
  if (token.startsWith(VISITOR_TOKEN_PREFIX)) return 'visitor-session';
  if (token.startsWith(AGENT_TOKEN_PREFIX)) return 'agent-token';
  if (token.startsWith(AGENT_SESSION_PREFIX)) return 'agent-session';
  return null;
}

/** The workspace a token was issued in; a token no workspace knows goes to the default one, which refuses it. */
export async function workspaceOfToken(directory: WorkspaceDirectory, token: string): Promise<string> {
  const kind = credentialKind(token);
  return (kind && (await directory.workspaceOfCredential(kind, hashToken(token)))) ?? DEFAULT_WORKSPACE;
}

/** Where a socket's upgrade came from. */
export interface SocketOrigin {
  /** From one of the server's own pages, or from no browser at all (no Origin). */
  sameOrigin: boolean;
  /** The Origin header, when a browser sent one. */
  origin?: string;
}

/** Whether a page of this origin may open chats through a site: one of its origins, or the server's own. */
function siteAllowsOrigin(origins: readonly string[], from: SocketOrigin): boolean {
  if (from.sameOrigin || !from.origin || origins.includes('*')) return true;
  const normalised = normaliseOrigin(from.origin);
  return normalised !== null && origins.includes(normalised);
}

/**
 * Which workspace a hello is for. A token names its own workspace; a new visitor's hello names
 * its site (`data-site`, a `site_…` key), else it is the default workspace's. A site and a visitor token of two
 * workspaces refuse each other: a chat never crosses into another workspace. A page opens chats
 * through a site only from one of the site's origins (or the server's own pages).
 */
export async function workspaceOfHello(
  directory: WorkspaceDirectory,
  hello: { token: string; site?: string },
  from: SocketOrigin,
): Promise<string> {
  const { sameOrigin } = from;
  const visitor = hello.token === '' || hello.token.startsWith(VISITOR_TOKEN_PREFIX);
  const tokenWorkspace = hello.token === '' ? null : await workspaceOfToken(directory, hello.token);
  if (!visitor) return tokenWorkspace!;
  if (isSiteKey(hello.site)) {
    const site = await directory.site(hello.site);
    if (!site) throw new ConfabError('forbidden', 'This site is not known to the server.');
    if (!siteAllowsOrigin(site.origins, from))
      throw new ConfabError('origin-not-allowed', 'This site may not open chat sessions (its origin is not allowed).');
    if (tokenWorkspace !== null && tokenWorkspace !== site.workspaceId)
      throw new ConfabError('unauthenticated', 'This chat session is not one of this site.');
    return site.workspaceId;
  }
  const workspace = tokenWorkspace ?? DEFAULT_WORKSPACE;
  // Other pages (CONFAB_ALLOWED_ORIGINS) are the default workspace's: another workspace's chats
  // open only through one of its sites.
  if (workspace !== DEFAULT_WORKSPACE && !sameOrigin)
    throw new ConfabError('forbidden', 'This chat opens only through its site (data-site).');
  return workspace;
}
