import { emailKey } from '@confab/core';
import { DEFAULT_WORKSPACE, type WorkspaceDirectory } from '../storage/workspace-directory.js';

/**
 * Which workspace receives email at an address (issue 19): the one that registered it (admin API,
 * `POST /api/admin/inbound-addresses`), else the default workspace when it is the team address in
 * the default workspace's settings (the embedded default needs no registration). Any other
 * address is no workspace's: its mail is refused, never filed into the default workspace.
 *
 * @param defaultAddress the default workspace's team address now (its settings, I1)
 */
export async function workspaceOfRecipient(
  directory: Pick<WorkspaceDirectory, 'workspaceOfAddress'>,
  defaultAddress: string,
  address: string,
): Promise<string | null> {
  const key = emailKey(address);
  if (key === '') return null;
  const registered = await directory.workspaceOfAddress(key);
  if (registered !== null) return registered;
  return key === emailKey(defaultAddress) ? DEFAULT_WORKSPACE : null;
}

/**
 * Whether mail that an ingest token of `workspaceId` posts may be filed there: not when it is
 * addressed only to addresses other workspaces receive at (their mail, never filed into another
 * workspace). Addresses nobody registered are the token holder's business (its own forwarding).
 */
export async function mayFileInto(
  directory: Pick<WorkspaceDirectory, 'workspaceOfAddress'>,
  workspaceId: string,
  recipients: readonly string[],
): Promise<boolean> {
  if (recipients.length === 0) return true;
  for (const address of recipients) {
    const owner = await directory.workspaceOfAddress(emailKey(address));
    if (owner === null || owner === workspaceId) return true;
  }
  return false;
}
