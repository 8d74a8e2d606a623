import { HttpError } from '../http/http-util.js';
import { silentLogger, type Logger } from '../logging.js';
import { DEFAULT_WORKSPACE, type WorkspaceDirectory } from '../storage/workspace-directory.js';
import { DEFAULT_MESSENGER_API_URL } from './messenger-send.js';

export interface MessengerPagesOptions {
  directory: Pick<WorkspaceDirectory, 'messengerPage' | 'listMessengerPages'>;
  /** CONFAB_MESSENGER_PAGE_TOKEN: the default workspace's page (the single-team setup). */
  envPageToken?: string;
  /** Base URL of the Graph API. Default DEFAULT_MESSENGER_API_URL. */
  apiUrl?: string;
  logger?: Logger;
}

/**
 * Which workspace each Facebook page belongs to, and the token its replies go out with (issue 19).
 * Workspaces register their pages with the admin API (`/api/admin/messenger-pages`); the page of
 * CONFAB_MESSENGER_PAGE_TOKEN is the default workspace's. Its id is asked of the Graph API once
 * (`GET /me` with the token answers the page), so the single-team setup needs no page id setting.
 */
export interface MessengerPages {
  /**
   * The workspace that receives a page's conversations, or null when no workspace has the page.
   * An HttpError 503 for a page no workspace registered while the env page's id could not be
   * learned yet (Messenger retries the webhook); registered pages never wait for the Graph API.
   */
  workspaceOf(pageId: string): Promise<string | null>;
  /**
   * The token for a workspace's reply through a page (null: the reply waits for one). Without a
   * page id (a conversation from before pages were recorded) the workspace's only page is meant.
   */
  tokenFor(workspaceId: string, pageId: string | undefined): Promise<string | null>;
  /** The env page's id, or null without an env token or when the Graph API refused the token. */
  envPageId(): Promise<string | null>;
}

export function createMessengerPages(options: MessengerPagesOptions): MessengerPages {
  const { directory, envPageToken } = options;
  const logger = options.logger ?? silentLogger();
  const base = (options.apiUrl ?? DEFAULT_MESSENGER_API_URL).replace(/\/+$/, '');
  let envPage: Promise<string | null> | null = null;

  async function askGraphForEnvPage(token: string): Promise<string | null> {
    let response: Response;
    try {
      response = await fetch(`${base}/me?fields=id`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw unavailable(error instanceof Error ? error.message : String(error));
    }
    // Facebook's own trouble passes: asked again at the next webhook.
    if (response.status === 429 || response.status >= 500) throw unavailable(`${response.status}`);
    const body = (await response.json().catch(() => null)) as { id?: unknown } | null;
    if (response.ok && typeof body?.id === 'string' && body.id) {
      logger.info({ pageId: body.id }, 'messenger: the page of CONFAB_MESSENGER_PAGE_TOKEN is the default workspace’s');
      return body.id;
    }
    // A token Facebook refuses will be refused again: the default workspace has no env page, and
    // the other workspaces' pages keep working.
    logger.error({ status: response.status }, 'messenger: the Graph API refused CONFAB_MESSENGER_PAGE_TOKEN');
    return null;
  }

  function envPageId(): Promise<string | null> {
    if (!envPageToken) return Promise.resolve(null);
    envPage ??= askGraphForEnvPage(envPageToken).catch((error: unknown) => {
      envPage = null;
      throw error;
    });
    return envPage;
  }

  return {
    envPageId,
    async workspaceOf(pageId) {
      // Registered pages first: they need no Graph API (the admin API refuses to register the env
      // page for another workspace, so the two never disagree).
      const registered = await directory.messengerPage(pageId);
      if (registered) return registered.workspaceId;
      return (await envPageId()) === pageId ? DEFAULT_WORKSPACE : null;
    },
    async tokenFor(workspaceId, pageId) {
      if (pageId !== undefined) {
        const page = await directory.messengerPage(pageId);
        if (page?.workspaceId === workspaceId) return page.pageToken;
      }
      // The default workspace's conversations through no registered page came through the env page.
      if (workspaceId === DEFAULT_WORKSPACE && envPageToken) return envPageToken;
      if (pageId !== undefined) return null;
      const pages = await directory.listMessengerPages(workspaceId);
      return pages.length === 1 ? pages[0]!.pageToken : null;
    },
  };
}

function unavailable(reason: string): HttpError {
  return new HttpError(
    503,
    'unavailable',
    `The Graph API could not say which page CONFAB_MESSENGER_PAGE_TOKEN is (${reason.slice(0, 200)}); retry later.`,
  );
}
