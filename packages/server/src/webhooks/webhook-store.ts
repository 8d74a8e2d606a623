import type { SequencedEvent } from '@confab/core';
import {
  deriveWebhookEvents,
  wants,
  type RecordMemory,
  type WebhookEvent,
  type WebhookEventType,
} from './webhook-events.js';

/** A receiver an admin registered for a workspace. */
export interface WebhookEndpointRecord {
  id: string;
  workspaceId: string;
  url: string;
  /** The HMAC key deliveries are signed with; shown to the admin once, at registration. */
  secret: string;
  events: WebhookEventType[];
  createdAt: number;
}

/** `sending`: claimed by a sender (here or in another process) until its lease ends. */
export type WebhookDeliveryState = 'pending' | 'sending' | 'delivered' | 'failed';

/** One event for one endpoint: what the admin's delivery log shows. */
export interface WebhookDeliveryRecord {
  endpointId: string;
  eventId: string;
  type: WebhookEventType;
  state: WebhookDeliveryState;
  attempts: number;
  /** The receiver's last HTTP status (null: no answer). */
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
}

/** A claimed delivery, with what sending it needs. */
export interface ClaimedWebhookDelivery extends WebhookDeliveryRecord {
  workspaceId: string;
  url: string;
  secret: string;
  /** The JSON body, exactly as signed. */
  payload: string;
}

export interface WebhookDeliveryResult {
  state: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
}

/** The conversations' status and assignee at the moment the first endpoint is registered. */
export interface WebhookSeed {
  seq: number;
  conversations: { id: string; status: string; assigneeId: string | null }[];
}

/**
 * Webhook endpoints and their deliveries, for every workspace (each call names one). SQLite
 * (sqlite-webhook-store.ts) and PostgreSQL (postgres-webhook-store.ts) implement it, and pass the
 * same contract test.
 */
export interface WebhookStore {
  /**
   * Registers an endpoint. The workspace's first one starts the dispatch cursor at `seed.seq` (what
   * happened before is not announced) and remembers its conversations as they are then.
   */
  addEndpoint(endpoint: WebhookEndpointRecord, seed: WebhookSeed): Promise<void>;
  listEndpoints(workspaceId: string): Promise<WebhookEndpointRecord[]>;
  /** Removes an endpoint and its deliveries (nothing more is sent to it); false when there was none. */
  removeEndpoint(workspaceId: string, endpointId: string): Promise<boolean>;
  /**
   * Turns the workspace's stored events after its cursor, up to `upTo`, into deliveries, and moves
   * the cursor, in one transaction: whichever process runs it, and however often, each event is
   * derived once. Resolves with the number of deliveries created.
   */
  dispatch(workspaceId: string, epoch: string, upTo: number, now: number): Promise<number>;
  /**
   * Claims up to `limit` deliveries due now (pending, or sending with a lapsed lease: their sender
   * died), of any workspace: each becomes `sending` with one more attempt until `now + leaseMs`.
   * A delivery is claimed by one sender at a time, across processes.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedWebhookDelivery[]>;
  finish(
    workspaceId: string,
    endpointId: string,
    eventId: string,
    result: WebhookDeliveryResult,
    now: number,
  ): Promise<void>;
  /** An endpoint's deliveries, newest first. */
  deliveries(workspaceId: string, endpointId: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  /** When the next delivery of any workspace is due (null: none waits). */
  nextDueAt(): Promise<number | null>;
}

/** Events read and derived per transaction of `dispatch`. */
export const DISPATCH_BATCH = 500;

/** A conversation's memory row id, and a message's: one table holds both. */
export const conversationKey = (id: string) => `c:${id}`;
export const messageKey = (id: string) => `m:${id}`;

/** The record ids a batch of events touches, for reading their memory rows. */
export function memoryKeys(events: readonly SequencedEvent[]): string[] {
  const keys = new Set<string>();
  for (const { event } of events) {
    if (event.type === 'conversation.upserted') keys.add(conversationKey(event.conversation.id));
    else if (event.type === 'message.upserted') keys.add(messageKey(event.message.id));
  }
  return [...keys];
}

/** A memory row as both databases store it: messages have no status. */
export interface MemoryRow {
  record_id: string;
  status: string | null;
  assignee_id: string | null;
}

export function memoryOf(rows: readonly MemoryRow[]): RecordMemory {
  const memory: RecordMemory = { conversations: new Map(), messages: new Set() };
  for (const row of rows) {
    if (row.record_id.startsWith('m:')) memory.messages.add(row.record_id.slice(2));
    else
      memory.conversations.set(row.record_id.slice(2), { status: row.status ?? 'open', assigneeId: row.assignee_id });
  }
  return memory;
}

export function memoryRows(memory: RecordMemory): MemoryRow[] {
  return [
    ...[...memory.conversations].map(([id, { status, assigneeId }]) => ({
      record_id: conversationKey(id),
      status,
      assignee_id: assigneeId,
    })),
    ...[...memory.messages].map((id) => ({ record_id: messageKey(id), status: null, assignee_id: null })),
  ];
}

/** A delivery to insert: one derived event for one endpoint that wants it. */
export interface NewDelivery {
  endpointId: string;
  event: WebhookEvent;
  payload: string;
}

/** What one batch of events becomes: deliveries, and the memory to write back. */
export function planDeliveries(
  workspaceId: string,
  epoch: string,
  events: readonly SequencedEvent[],
  memory: RecordMemory,
  endpoints: readonly WebhookEndpointRecord[],
  since: number,
): NewDelivery[] {
  const deliveries: NewDelivery[] = [];
  for (const event of deriveWebhookEvents(workspaceId, epoch, events, memory, since)) {
    const payload = JSON.stringify(event);
    for (const endpoint of endpoints)
      if (wants(endpoint, event)) deliveries.push({ endpointId: endpoint.id, event, payload });
  }
  return deliveries;
}
