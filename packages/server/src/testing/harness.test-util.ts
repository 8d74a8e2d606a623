// Test helpers: a real server on 127.0.0.1 with a temp data dir, and `ws` clients that wait for frames.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Agent, ClientFrame, ServerFrame } from '@confab/core';
import { startServer, type RunningServer, type StartServerOptions } from '../server.js';

export const AGENTS: Agent[] = [
  {
    id: 'agent-ann',
    name: 'Ann Agent',
    email: 'ann@team.example',
    availability: 'available',
    role: 'admin',
    invitePending: false,
    lastSeenAt: null,
    disabled: false,
  },
  {
    id: 'agent-bob',
    name: 'Bob Agent',
    email: 'bob@team.example',
    availability: 'available',
    role: 'admin',
    invitePending: false,
    lastSeenAt: null,
    disabled: false,
  },
];

export interface TestServer {
  server: RunningServer;
  url: string;
  wsUrl: string;
  dataDir: string;
  /** A token for AGENTS[0]. */
  agentToken: string;
  close(): Promise<void>;
}

export function tempDataDir(prefix = 'confab-server-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A server with two agents (appended as events) and an ingest token. */
export async function startTestServer(options: StartServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    ingestToken: 'test-ingest',
    adminToken: 'test-admin',
    ...options,
  });
  if (!server.backend.state.agents.size) {
    await server.backend.append(AGENTS.map((agent) => ({ type: 'agent.upserted' as const, agent })));
  }
  const { token } = await server.auth.issueAgentToken(AGENTS[0]!.id, 'test');
  return {
    server,
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws') + '/ws',
    dataDir,
    agentToken: token,
    async close() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A WebSocket client that records every frame and can wait for the next one of a kind. */
export class Peer {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();
  private cursor = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: String(reason) });
        for (const wake of [...this.waiters]) wake();
      });
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const peer = new Peer(socket);
      socket.once('open', () => resolve(peer));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** The next frame (after those already taken) matching `type` and `match`. */
  next<T extends ServerFrame['type']>(
    type: T,
    match: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        for (let index = this.cursor; index < this.frames.length; index++) {
          const frame = this.frames[index]!;
          if (frame.type === type && match(frame as Extract<ServerFrame, { type: T }>)) {
            this.cursor = index + 1;
            cleanup();
            resolve(frame as Extract<ServerFrame, { type: T }>);
            return;
          }
        }
        if (this.socket.readyState === WebSocket.CLOSED) {
          cleanup();
          reject(
            new Error(
              `socket closed while waiting for ${type}; got ${JSON.stringify(this.frames.slice(this.cursor)).slice(0, 500)}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting for ${type}; got ${JSON.stringify(this.frames.slice(this.cursor)).slice(0, 800)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Every event received so far, flattened. */
  events() {
    return this.frames.flatMap((frame) => (frame.type === 'events' ? frame.events : []));
  }

  close(): void {
    this.socket.close();
  }
}

/** Opens a socket and says hello; resolves after welcome and the snapshot (or catch-up). */
export async function hello(
  wsUrl: string,
  token: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const peer = await Peer.open(wsUrl, headers);
  peer.send({ v: 1, type: 'hello', token, ...extra });
  const welcome = await peer.next('welcome');
  return { peer, welcome };
}

/** A new visitor with a chat: resolves with its peer, session token, contact and conversation ids. */
export async function visitorWithChat(wsUrl: string, text = 'Hello from a visitor') {
  const { peer, welcome } = await hello(wsUrl, '');
  await peer.next('snapshot');
  const id = `start-${Math.random().toString(36).slice(2)}`;
  peer.send({ v: 1, type: 'command', id, command: { type: 'visitor.startChat', text } });
  const ack = await peer.next('ack', (frame) => frame.id === id);
  const contactId = welcome.principal.kind === 'visitor' ? welcome.principal.contactId : '';
  return { peer, sessionToken: welcome.sessionToken!, contactId, conversationId: ack.result!.conversationId!, ack };
}

/** The JSON answers of the HTTP API, loosely: tests read the fields they expect. */
export interface JsonReply {
  ok?: boolean;
  seq?: number;
  received?: number;
  result: Record<string, string>;
  results: { mid: string; seq?: number; conversationId?: string; error?: string }[];
  error: { code: string; message: string; path?: string };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json: json as JsonReply, headers: response.headers };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
