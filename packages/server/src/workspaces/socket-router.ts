import { CLOSE_CODES, ConfabError, closeCodeOf, type ServerFrame } from '@confab/core';
import { StorageUnreachableError, type BackendConnection, type ConnectionInfo } from '@confab/core/backend';
import { DEFAULT_WORKSPACE } from '../storage/workspace-directory.js';
import type { WorkspaceHub, WorkspaceHubs } from './hubs.js';

/** What the gateway knows about a socket beyond the hub's ConnectionInfo. */
export interface RoutedConnectionInfo extends ConnectionInfo {
  /** The upgrade came from one of the server's own pages, or from no browser (no Origin). */
  sameOrigin: boolean;
}

/** A socket's link to the hub of its workspace, chosen by its hello. */
export interface RoutedConnection extends BackendConnection {
  /** The workspace its hello was routed to; null before. */
  readonly workspaceId: string | null;
}

export interface SocketRouterOptions {
  hubs: WorkspaceHubs;
  /** Which workspace a hello is for (workspaces/routing.ts); rejects with a ConfabError to refuse it. */
  workspaceOf(hello: { token: string; site?: string }, from: RoutedConnectionInfo): Promise<string>;
}

/** A hello the router can route: anything else is left to a hub to refuse in its usual words. */
function routableHello(frame: unknown): { token: string; site?: string } | null {
  if (typeof frame !== 'object' || frame === null) return null;
  const { type, token, site } = frame as { type?: unknown; token?: unknown; site?: unknown };
  if (type !== 'hello' || typeof token !== 'string') return null;
  if (site !== undefined && typeof site !== 'string') return null;
  return site === undefined ? { token } : { token, site };
}

/**
 * Routes each socket to its workspace's hub at its hello (issue 19): until then, its frames (a
 * ping, a command sent too early, junk) are answered by the default hub as before, which never
 * saw a hello on it and so grants nothing. Frames that arrive while the hub loads wait, in order.
 */
export function createSocketRouter(options: SocketRouterOptions) {
  return {
    connect(
      send: (frame: ServerFrame) => void,
      end: (code: number, reason: string) => void,
      info: RoutedConnectionInfo,
    ): RoutedConnection {
      let lobby: BackendConnection | null = null;
      let routed: BackendConnection | null = null;
      let workspaceId: string | null = null;
      /** Frames received while the hub loads, delivered in order once it is there. */
      let waiting: unknown[] | null = null;
      let closed = false;
      /** What the hub is told about the socket (sameOrigin is the router's own business). */
      const hubInfo: ConnectionInfo = {
        ...(info.ip ? { ip: info.ip } : {}),
        ...(info.origin ? { origin: info.origin } : {}),
      };

      const defaultHub = options.hubs.peek(DEFAULT_WORKSPACE);
      const lobbyConnection = () => (lobby ??= defaultHub!.backend.connect(send, end, hubInfo));

      const refuse = (error: ConfabError) => {
        send({ v: 1, type: 'error', error: error.toPayload() });
        end(closeCodeOf(error.code) ?? 1011, error.message);
      };

      function route(hello: { token: string; site?: string }, frame: unknown) {
        waiting = [frame];
        // The directory may be another process's database: frames wait, in order, until routed.
        options.workspaceOf(hello, info).then(
          (target) => {
            workspaceId = target;
            return options.hubs.get(target).then(
              (hub: WorkspaceHub) => {
                if (closed) return;
                // The default workspace's hub already holds this socket's lobby link: it goes on there.
                routed = target === DEFAULT_WORKSPACE && lobby ? lobby : hub.backend.connect(send, end, hubInfo);
                if (lobby && routed !== lobby) lobby.close();
                const frames = waiting ?? [];
                waiting = null;
                for (const queued of frames) routed.receive(queued);
              },
              (error: unknown) => {
                if (closed) return;
                if (error instanceof StorageUnreachableError) end(CLOSE_CODES.serviceRestart, error.message);
                else refuse(new ConfabError('internal', 'The workspace could not be opened; retry later.'));
              },
            );
          },
          (error: unknown) => {
            if (closed) return;
            // The database is out of reach: reconnect (elsewhere) rather than be refused.
            if (error instanceof StorageUnreachableError) end(CLOSE_CODES.serviceRestart, error.message);
            else refuse(error instanceof ConfabError ? error : new ConfabError('internal', 'The hello failed.'));
          },
        );
      }

      return {
        get principal() {
          return routed?.principal ?? null;
        },
        get workspaceId() {
          return workspaceId;
        },
        receive(frame) {
          if (closed) return;
          if (routed) return routed.receive(frame);
          if (waiting) {
            waiting.push(frame);
            return;
          }
          const hello = routableHello(frame);
          if (hello) route(hello, frame);
          else lobbyConnection().receive(frame);
        },
        close() {
          closed = true;
          waiting = null;
          lobby?.close();
          if (routed !== lobby) routed?.close();
        },
      };
    },
  };
}
