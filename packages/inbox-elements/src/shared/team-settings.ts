import type { ReactiveControllerHost } from 'lit';
import { canManageTeam, type InboxClient, type Settings } from '@confab/core';
import { StoreController } from '@confab/element-kit';

type ClientHost = ReactiveControllerHost & { client?: InboxClient };

/**
 * What the settings sections read: the team's settings, and whether the signed-in agent may change
 * them (core's `canManageTeam`). One pair of controllers, shared by each section that edits settings.
 */
export function teamSettingsControllers(host: ClientHost) {
  const revision = () => host.client?.store.revision;
  return {
    settings: new StoreController<number, Settings | undefined>(host, revision, () => host.client!.store.settings()),
    mayChange: new StoreController<number, boolean>(host, revision, () =>
      host.client!.store.read(canManageTeam, host.client!.store.me),
    ),
  };
}
