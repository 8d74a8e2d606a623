import { randomBytes } from 'node:crypto';
import { DEFAULT_WORKSPACE, type WorkspaceDirectory } from '../storage/workspace-directory.js';
import type { IdentitySettings } from './identity.js';

/** The audience identity tokens name when CONFAB_IDENTITY_AUDIENCE does not say another. */
export const DEFAULT_IDENTITY_AUDIENCE = 'confab';

/** Key ids of workspace keys (the token's `kid`): random, so no two workspaces ever share one. */
const KEY_ID_PREFIX = 'kid_';

/** A new identity key for a workspace: its id and secret (shown once, to put in the site's backend). */
export function newIdentityKey(): { id: string; secret: string } {
  return { id: KEY_ID_PREFIX + randomBytes(9).toString('base64url'), secret: randomBytes(32).toString('base64url') };
}

/**
 * The identity keys each workspace accepts (issue 19): the keys its admins created
 * (`POST /api/admin/identity-keys`), and for the default workspace also the server's own
 * (CONFAB_IDENTITY_KEYS / CONFAB_IDENTITY_SECRET). A token signed with one workspace's key names a
 * `kid` no other workspace has, so another workspace refuses it as an unknown key. Read from the
 * directory at each check: a key created or removed on another process counts at once.
 *
 * @param server the server's keys and audience (from the environment), if any
 */
export function workspaceIdentity(
  directory: Pick<WorkspaceDirectory, 'identityKeys'>,
  server: IdentitySettings | undefined,
): (workspaceId: string) => Promise<IdentitySettings | null> {
  const audience = server?.audience ?? DEFAULT_IDENTITY_AUDIENCE;
  return async (workspaceId) => {
    const stored = (await directory.identityKeys(workspaceId)).map(({ id, secret }) => ({ id, secret }));
    const keys = workspaceId === DEFAULT_WORKSPACE ? [...(server?.keys ?? []), ...stored] : stored;
    return keys.length ? { keys, audience } : null;
  };
}
