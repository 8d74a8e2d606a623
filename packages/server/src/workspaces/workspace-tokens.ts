import type { IncomingMessage } from 'node:http';
import { hashToken, randomToken } from '../auth/authenticator.js';
import { HttpError, secretsEqual } from '../http/http-util.js';
import {
  DEFAULT_WORKSPACE,
  type WorkspaceDirectory,
  type WorkspaceTokenPurpose,
} from '../storage/workspace-directory.js';

/** A workspace's admin token (its admin API) and ingest token (its channels): the kind is visible without a lookup. */
export const WORKSPACE_TOKEN_PREFIX: Record<WorkspaceTokenPurpose, string> = { admin: 'cfw_', ingest: 'cfi_' };

/** A new workspace token; returned once, only its hash is stored. */
export async function issueWorkspaceToken(
  directory: WorkspaceDirectory,
  workspaceId: string,
  purpose: WorkspaceTokenPurpose,
  label: string,
  at: number,
): Promise<string> {
  const token = randomToken(WORKSPACE_TOKEN_PREFIX[purpose]);
  await directory.saveWorkspaceToken({ tokenHash: hashToken(token), workspaceId, purpose, label, createdAt: at });
  return token;
}

/** Whose a bearer token is: the server's own (the operator's, every workspace) or one workspace's. */
export type Bearer = { server: true; workspaceId: typeof DEFAULT_WORKSPACE } | { server: false; workspaceId: string };

/**
 * The workspace a request's bearer token opens. The server's token (CONFAB_ADMIN_TOKEN,
 * CONFAB_INGEST_TOKEN) is the default workspace's and the operator's; a workspace token opens its
 * own workspace only. Anything else is a 401 that names no workspace.
 */
export async function bearerWorkspace(
  req: IncomingMessage,
  options: {
    purpose: WorkspaceTokenPurpose;
    serverToken: string | undefined;
    directory: WorkspaceDirectory;
    what: string;
  },
): Promise<Bearer> {
  const header = String(req.headers.authorization ?? '');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    if (!options.serverToken)
      throw new HttpError(
        401,
        'unauthenticated',
        `${options.what} is turned off: no token is configured on the server.`,
      );
    throw new HttpError(401, 'unauthenticated', 'Send Authorization: Bearer <token>.');
  }
  const token = match[1]!;
  if (options.serverToken && secretsEqual(token, options.serverToken))
    return { server: true, workspaceId: DEFAULT_WORKSPACE };
  if (token.startsWith(WORKSPACE_TOKEN_PREFIX[options.purpose]) && token.length <= 256) {
    const workspaceId = await options.directory.workspaceOfToken(options.purpose, hashToken(token));
    if (workspaceId) return { server: false, workspaceId };
  }
  if (!options.serverToken)
    throw new HttpError(401, 'unauthenticated', `${options.what} is turned off: no token is configured on the server.`);
  throw new HttpError(401, 'unauthenticated', 'The token is not valid.');
}
