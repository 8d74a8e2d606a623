import Database from 'better-sqlite3';
import type { ConfabEvent, SequencedEvent } from '@confab/core';
import type { WebhookEventType } from './webhook-events.js';
import {
  DISPATCH_BATCH,
  conversationKey,
  memoryKeys,
  memoryOf,
  memoryRows,
  planDeliveries,
  type ClaimedWebhookDelivery,
  type MemoryRow,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
  type WebhookStore,
} from './webhook-store.js';

interface EndpointRow {
  id: string;
  workspace_id: string;
  url: string;
  secret: string;
  events: string;
  created_at: number;
}

interface DeliveryRow {
  workspace_id: string;
  endpoint_id: string;
  event_id: string;
  type: string;
  payload: string;
  state: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: number;
  created_at: number;
  updated_at: number;
}

export const toEndpoint = (row: EndpointRow): WebhookEndpointRecord => ({
  id: row.id,
  workspaceId: row.workspace_id,
  url: row.url,
  secret: row.secret,
  events: JSON.parse(row.events) as WebhookEventType[],
  createdAt: Number(row.created_at),
});

export const toDelivery = (row: DeliveryRow): WebhookDeliveryRecord => ({
  endpointId: row.endpoint_id,
  eventId: row.event_id,
  type: row.type as WebhookEventType,
  state: row.state as WebhookDeliveryRecord['state'],
  attempts: Number(row.attempts),
  lastStatus: row.last_status === null ? null : Number(row.last_status),
  lastError: row.last_error,
  nextAttemptAt: Number(row.next_attempt_at),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/**
 * The webhook tables of the data directory's SQLite file, over a connection of their own (WAL lets
 * it share the file with the hubs' connection; both are used from this one thread).
 */
export function createSqliteWebhookStore(file: string): WebhookStore & { close(): void } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');

  const statements = {
    insertEndpoint: db.prepare(
      'INSERT INTO webhook_endpoints (id, workspace_id, url, secret, events, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    endpoints: db.prepare('SELECT * FROM webhook_endpoints WHERE workspace_id = ? ORDER BY created_at, id'),
    deleteEndpoint: db.prepare('DELETE FROM webhook_endpoints WHERE workspace_id = ? AND id = ?'),
    deleteDeliveriesOf: db.prepare('DELETE FROM webhook_deliveries WHERE workspace_id = ? AND endpoint_id = ?'),
    cursor: db.prepare('SELECT seq, since FROM webhook_cursors WHERE workspace_id = ?'),
    resetCursor: db.prepare('INSERT OR REPLACE INTO webhook_cursors (workspace_id, seq, since) VALUES (?, ?, ?)'),
    forgetMemory: db.prepare('DELETE FROM webhook_memory WHERE workspace_id = ?'),
    moveCursor: db.prepare('UPDATE webhook_cursors SET seq = ? WHERE workspace_id = ?'),
    events: db.prepare(
      'SELECT seq, cause, event FROM events WHERE workspace_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
    ),
    memory: db.prepare(
      'SELECT record_id, status, assignee_id FROM webhook_memory WHERE workspace_id = ? AND record_id IN (SELECT value FROM json_each(?))',
    ),
    saveMemory: db.prepare(
      'INSERT OR REPLACE INTO webhook_memory (workspace_id, record_id, status, assignee_id) VALUES (?, ?, ?, ?)',
    ),
    insertDelivery: db.prepare(
      `INSERT OR IGNORE INTO webhook_deliveries
         (workspace_id, endpoint_id, event_id, type, payload, state, attempts, last_status, last_error, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', 0, NULL, NULL, ?, ?, ?)`,
    ),
    claim: db.prepare(
      `UPDATE webhook_deliveries SET state = 'sending', attempts = attempts + 1, next_attempt_at = ?, updated_at = ?
       WHERE (workspace_id, endpoint_id, event_id) IN (
         SELECT workspace_id, endpoint_id, event_id FROM webhook_deliveries WHERE state IN ('pending', 'sending') AND next_attempt_at <= ?
                       ORDER BY next_attempt_at LIMIT ?)
       RETURNING *`,
    ),
    finish: db.prepare(
      `UPDATE webhook_deliveries SET state = ?, next_attempt_at = ?, last_status = ?, last_error = ?, updated_at = ?
       WHERE workspace_id = ? AND endpoint_id = ? AND event_id = ?`,
    ),
    deliveries: db.prepare(
      'SELECT * FROM webhook_deliveries WHERE workspace_id = ? AND endpoint_id = ? ORDER BY created_at DESC, event_id DESC LIMIT ?',
    ),
    nextDue: db.prepare(
      "SELECT MIN(next_attempt_at) AS due FROM webhook_deliveries WHERE state IN ('pending', 'sending')",
    ),
  };

  const addEndpoint = db.transaction(
    (endpoint: WebhookEndpointRecord, seed: Parameters<WebhookStore['addEndpoint']>[1]) => {
      // The first endpoint (again): dispatch starts now, with the conversations as they are now (a
      // memory from before a time without endpoints would be stale).
      if (!statements.endpoints.all(endpoint.workspaceId).length) {
        statements.resetCursor.run(endpoint.workspaceId, seed.seq, endpoint.createdAt);
        statements.forgetMemory.run(endpoint.workspaceId);
        for (const conversation of seed.conversations)
          statements.saveMemory.run(
            endpoint.workspaceId,
            conversationKey(conversation.id),
            conversation.status,
            conversation.assigneeId,
          );
      }
      statements.insertEndpoint.run(
        endpoint.id,
        endpoint.workspaceId,
        endpoint.url,
        endpoint.secret,
        JSON.stringify(endpoint.events),
        endpoint.createdAt,
      );
    },
  );

  /** One batch of dispatch; returns how many deliveries it made, or null when the cursor reached `upTo`. */
  const dispatchBatch = db.transaction((workspaceId: string, epoch: string, upTo: number, now: number) => {
    const cursor = statements.cursor.get(workspaceId) as { seq: number; since: number } | undefined;
    if (!cursor || cursor.seq >= upTo) return null;
    const rows = statements.events.all(workspaceId, cursor.seq, upTo, DISPATCH_BATCH) as {
      seq: number;
      cause: string | null;
      event: string;
    }[];
    if (!rows.length) return null;
    const events: SequencedEvent[] = rows.map((row) => ({
      seq: Number(row.seq),
      cause: row.cause,
      event: JSON.parse(row.event) as ConfabEvent,
    }));
    const endpoints = (statements.endpoints.all(workspaceId) as EndpointRow[]).map(toEndpoint);
    let made = 0;
    if (endpoints.length) {
      const memory = memoryOf(statements.memory.all(workspaceId, JSON.stringify(memoryKeys(events))) as MemoryRow[]);
      for (const delivery of planDeliveries(workspaceId, epoch, events, memory, endpoints, Number(cursor.since))) {
        made += statements.insertDelivery.run(
          workspaceId,
          delivery.endpointId,
          delivery.event.id,
          delivery.event.type,
          delivery.payload,
          now,
          now,
          now,
        ).changes;
      }
      for (const row of memoryRows(memory))
        statements.saveMemory.run(workspaceId, row.record_id, row.status, row.assignee_id);
    }
    statements.moveCursor.run(events[events.length - 1]!.seq, workspaceId);
    return made;
  });

  return {
    async addEndpoint(endpoint, seed) {
      addEndpoint(endpoint, seed);
    },
    async listEndpoints(workspaceId) {
      return (statements.endpoints.all(workspaceId) as EndpointRow[]).map(toEndpoint);
    },
    async removeEndpoint(workspaceId, endpointId) {
      return db.transaction(() => {
        statements.deleteDeliveriesOf.run(workspaceId, endpointId);
        return statements.deleteEndpoint.run(workspaceId, endpointId).changes > 0;
      })();
    },
    async dispatch(workspaceId, epoch, upTo, now) {
      let made = 0;
      for (let batch = dispatchBatch(workspaceId, epoch, upTo, now); batch !== null;) {
        made += batch;
        batch = dispatchBatch(workspaceId, epoch, upTo, now);
      }
      return made;
    },
    async claimDue(now, limit, leaseMs) {
      const rows = statements.claim.all(now + leaseMs, now, now, limit) as DeliveryRow[];
      const endpoints = new Map<string, WebhookEndpointRecord>();
      const claimed: ClaimedWebhookDelivery[] = [];
      for (const row of rows) {
        let endpoint = endpoints.get(row.endpoint_id);
        if (!endpoint) {
          endpoint = (statements.endpoints.all(row.workspace_id) as EndpointRow[])
            .map(toEndpoint)
            .find((candidate) => candidate.id === row.endpoint_id);
          if (!endpoint) continue; // removed meanwhile: its deliveries went with it
          endpoints.set(row.endpoint_id, endpoint);
        }
        claimed.push({
          ...toDelivery(row),
          workspaceId: row.workspace_id,
          url: endpoint.url,
          secret: endpoint.secret,
          payload: row.payload,
        });
      }
      return claimed;
    },
    async finish(workspaceId, endpointId, eventId, result, now) {
      statements.finish.run(
        result.state,
        result.nextAttemptAt,
        result.lastStatus,
        result.lastError,
        now,
        workspaceId,
        endpointId,
        eventId,
      );
    },
    async deliveries(workspaceId, endpointId, limit) {
      return (statements.deliveries.all(workspaceId, endpointId, limit) as DeliveryRow[]).map(toDelivery);
    },
    async nextDueAt() {
      const row = statements.nextDue.get() as { due: number | null };
      return row.due === null ? null : Number(row.due);
    },
    close() {
      db.close();
    },
  };
}
